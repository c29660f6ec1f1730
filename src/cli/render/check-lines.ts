import { josa } from '../../i18n/josa.js';
import { points, tr } from '../../i18n/lang.js';
import type { CheckResult, ExerciseResult } from '../../grading/results.js';
import { displayWidth, marks, style } from '../../ui/style.js';

// How check and watch print results: one line per check, one summary per exercise. Text only: the
// caller writes it where it wants.

/**
 * One check's line(s). `said`: the message of the check printed just before; the same cause (a
 * failed step that skipped the rest) is printed once, and the checks it skipped are listed after it.
 */
export function renderCheckLine(check: CheckResult, said?: string): string {
  const mark =
    check.status === 'passed'
      ? style.ok(marks.ok)
      : check.status === 'skipped'
        ? style.dim(marks.skip)
        : style.fail(marks.fail);
  const lines = [`${mark} ${check.title} ${style.dim(`(${points(check.weight)}, ${check.seconds.toFixed(1)} s)`)}`];
  // The labels end at the same column in either language (Hangul is two columns wide).
  const labels = {
    expected: tr({ en: 'expected:', ko: '기대:' }),
    found: tr({ en: 'found:', ko: '실제:' }),
    measured: tr({ en: 'measured:', ko: '측정:' }),
    before: tr({ en: 'last check:', ko: '지난 검사:' }),
    url: tr({ en: 'queries:', ko: '쿼리:' }),
  };
  const shown: Array<[keyof typeof labels, string | undefined]> =
    check.status === 'passed'
      ? []
      : [
          ['expected', check.expected],
          ['found', check.found],
        ];
  // What was measured, and the same of the last check (before and after a change), passed or not.
  shown.push(['measured', check.measured], ['before', check.measured ? check.before : undefined]);
  if (check.status === 'passed') shown.push(['url', check.url]);
  const present = shown.filter((pair): pair is [keyof typeof labels, string] => Boolean(pair[1]));
  const width = Math.max(0, ...present.map(([key]) => displayWidth(labels[key])));
  const label = (text: string) => text + ' '.repeat(width - displayWidth(text) + 1);
  for (const [key, text] of present) {
    const line = `    ${label(labels[key])}${text}`;
    lines.push(key === 'before' || key === 'url' ? style.dim(line) : line);
  }
  if (check.status !== 'passed' && check.message && check.message !== said)
    lines.push(`    ${style.dim(check.message)}`);
  return lines.join('\n');
}

export function renderSummary(results: ExerciseResult[]): string {
  return results
    .map((r) => {
      const failedStep = r.steps.find((s) => !s.ok);
      const fix = failedStep
        ? tr({
            en: `Fix what stopped step ${failedStep.id} (below)`,
            ko: `단계 ${josa(failedStep.id, '을/를')} 멈춘 원인(아래)을 고치거나`,
          })
        : tr({ en: 'Fix the ✖ lines', ko: '✖ 항목을 고치거나' });
      const head = r.passed
        ? style.ok(
            tr({
              en: `${r.day}/${r.exercise} passed: ${points(r.score, r.maxScore)}.`,
              ko: `${r.day}/${r.exercise} 통과: ${points(r.score, r.maxScore)}.`,
            }),
          )
        : style.fail(
            tr({
              en: `${r.day}/${r.exercise}: ${points(r.score, r.maxScore)}. ${fix}, or ask: de-lab hint ${r.day} ${r.exercise}`,
              ko: `${r.day}/${r.exercise}: ${points(r.score, r.maxScore)}. ${fix} 힌트를 보세요: de-lab hint ${r.day} ${r.exercise}`,
            }),
          );
      return failedStep
        ? `${head}\n  ${style.fail(marks.fail)} ${tr({ en: 'step', ko: '단계' })} ${failedStep.id}: ${failedStep.error}${
            failedStep.output
              ? `\n${failedStep.output
                  .split('\n')
                  .map((l) => `      ${l}`)
                  .join('\n')}`
              : ''
          }`
        : head;
    })
    .join('\n');
}
