import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { DayProgress } from '../../course/progress.js';
import { style, table } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { statusMark } from '../course.js';

function render(d: { workspace: string | null; days: DayProgress[] }): string {
  const out: string[] = [];
  // One table for every exercise, so columns line up across days; day headings go between.
  const rows = d.days.flatMap((day) =>
    day.exercises.map((e) => [
      `  ${statusMark(e.status)}`,
      e.id,
      tr(e.title),
      style.dim(tr({ en: `hints ${e.hintsRevealed}/${e.hintsTotal}`, ko: `힌트 ${e.hintsRevealed}/${e.hintsTotal}` })),
    ]),
  );
  const lines = rows.length > 0 ? table(rows).split('\n') : [];
  let next = 0;
  for (const day of d.days) {
    out.push(
      `${style.bold(`${day.day}  ${tr(day.title)}`)}  ${style.dim(tr({ en: `${day.done}/${day.total} done`, ko: `${day.done}/${day.total} 완료` }))}`,
    );
    if (day.exercises.length === 0) out.push(style.dim(tr({ en: '  (no exercises)', ko: '  (문제 없음)' })));
    out.push(...lines.slice(next, next + day.exercises.length));
    next += day.exercises.length;
  }
  if (d.days.length === 0) out.push(tr({ en: 'This de-lab has no labs installed.', ko: '설치된 실습이 없습니다.' }));
  out.push('');
  out.push(style.dim(tr({ en: '✔ passed  ✖ failed  · not tried', ko: '✔ 통과  ✖ 실패  · 아직 안 함' })));
  out.push(
    d.workspace
      ? style.dim(tr({ en: `Workspace: ${d.workspace}`, ko: `작업 폴더: ${d.workspace}` }))
      : tr({
          en: `No workspace yet: run ${style.code('de-lab init')} to get the starter files.`,
          ko: `아직 작업 폴더가 없습니다. ${style.code('de-lab init')}으로 시작 파일을 받으세요.`,
        }),
  );
  return out.join('\n');
}

async function list(ctx: Context): Promise<number> {
  const { loadCourseCached } = await import('../../course/course-cache.js');
  const { findWorkspace } = await import('../../course/workspace.js');
  const { emptyState, loadState } = await import('../../course/state.js');
  const { courseProgress } = await import('../../course/progress.js');
  const workspace = findWorkspace(process.cwd(), ctx.config.values.workspace);
  const state = workspace ? loadState(workspace.root) : emptyState();
  ctx.emit({ workspace: workspace?.root ?? null, days: courseProgress(await loadCourseCached(), state) }, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('list')
    .description(
      'List the days and their exercises with your progress (✔ passed, ✖ failed, · not tried) and hints seen',
    )
    .addHelpText('after', example(['de-lab list', 'de-lab list --json']))
    .action(action(list));
}
