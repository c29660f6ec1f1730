import { isAdjusted, type GradeResults, type LearnerResult } from '../grade/model.js';
import { marks, style, table } from '../../ui/style.js';

function mark(learner: LearnerResult): string {
  if (learner.status === 'rejected') return style.fail(marks.fail);
  if (learner.status === 'error') return style.warn(marks.warn);
  return learner.score >= learner.maxScore
    ? style.ok(marks.ok)
    : learner.score > 0
      ? style.warn('~')
      : style.fail(marks.fail);
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The terminal summary: a row per learner (points per exercise, total, status, reason), then the class figures. */
export function summaryTable(results: GradeResults, width = 100): string {
  const adjusted = isAdjusted(results);
  const head = [
    '',
    'LEARNER',
    ...results.exercises.map((e) => e.id.toUpperCase()),
    ...(adjusted ? ['RAW', 'LATE'] : []),
    'TOTAL',
    '%',
    'STATUS',
    'REASON',
  ].map(style.bold);
  const fixed = 40 + results.exercises.length * 8;
  const rows = results.learners.map((l) => [
    mark(l),
    l.learner,
    ...results.exercises.map((e) => {
      const x = l.exercises.find((g) => g.id === e.id);
      return `${x?.score ?? 0}/${e.maxScore}`;
    }),
    ...(adjusted ? [String(l.rawScore ?? l.score), l.penalty ? `-${l.penalty}` : ''] : []),
    `${l.score}/${l.maxScore}`,
    String(l.percent),
    l.status,
    style.dim(cut(l.reason ?? '', Math.max(30, width - fixed))),
  ]);
  const s = results.stats;
  const line = `${s.learners} learners: ${s.graded} graded, ${s.rejected} rejected, ${s.errors} grader errors · mean ${s.mean}/${results.maxScore} · median ${s.median} · min ${s.min} · max ${s.max}`;
  return [table([head, ...rows]), '', line].join('\n');
}
