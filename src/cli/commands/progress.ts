import type { Command } from 'commander';
import { points, tr } from '../../i18n/lang.js';
import type { DayProgress } from '../../course/progress.js';
import { style, table } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

interface ProgressData {
  workspace: string | null;
  days: Array<Omit<DayProgress, 'exercises'>>;
  total: { done: number; total: number; score: number; maxScore: number };
}

function render(d: ProgressData): string {
  const head = [
    tr({ en: 'DAY', ko: '실습일' }),
    tr({ en: 'TITLE', ko: '제목' }),
    tr({ en: 'DONE', ko: '완료' }),
    tr({ en: 'SCORE', ko: '점수' }),
  ].map(style.bold);
  const rows = d.days.map((day) => [
    day.day,
    tr(day.title),
    `${day.done}/${day.total}`,
    points(day.score, day.maxScore),
  ]);
  const total = [
    style.bold(tr({ en: 'total', ko: '합계' })),
    '',
    `${d.total.done}/${d.total.total}`,
    points(d.total.score, d.total.maxScore),
  ];
  const lines = [table([head, ...rows, total])];
  if (!d.workspace)
    lines.push(
      '',
      tr({
        en: `No workspace yet: run ${style.code('de-lab init')} first.`,
        ko: `아직 작업 폴더가 없습니다. 먼저 ${style.code('de-lab init')}을 실행하세요.`,
      }),
    );
  return lines.join('\n');
}

async function progress(ctx: Context): Promise<number> {
  const { loadCourseCached } = await import('../../course/course-cache.js');
  const { findWorkspace } = await import('../../course/workspace.js');
  const { emptyState, loadState } = await import('../../course/state.js');
  const { courseProgress } = await import('../../course/progress.js');
  const workspace = findWorkspace(process.cwd(), ctx.config.values.workspace);
  const days = courseProgress(await loadCourseCached(), workspace ? loadState(workspace.root) : emptyState()).map(
    ({ exercises: _exercises, ...day }) => day,
  );
  const sum = (pick: (day: (typeof days)[number]) => number) =>
    Math.round(days.reduce((total, day) => total + pick(day), 0) * 100) / 100;
  const data: ProgressData = {
    workspace: workspace?.root ?? null,
    days,
    total: {
      done: sum((d) => d.done),
      total: sum((d) => d.total),
      score: sum((d) => d.score),
      maxScore: sum((d) => d.maxScore),
    },
  };
  ctx.emit(data, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('progress')
    .description('Summarise your progress per day: exercises done and score')
    .addHelpText('after', example(['de-lab progress', 'de-lab progress --json']))
    .action(action(progress));
}
