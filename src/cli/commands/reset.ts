import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { FileComparison, ReplaceResult } from '../../course/workspace.js';
import { marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { confirmReplace, openWorkspace } from '../course.js';

interface ResetView {
  day: string;
  exercises: string[];
  restored: string[];
  backupDir: string | null;
}

function render(d: ResetView): string {
  if (d.restored.length === 0)
    return `${style.ok(marks.ok)} ${tr({ en: 'Your files already match the starters; nothing to reset.', ko: '파일이 이미 시작 파일과 같아 되돌릴 것이 없습니다.' })}`;
  return [
    `${style.ok(marks.ok)} ${tr({ en: `Restored ${d.restored.length} starter file(s).`, ko: `시작 파일 ${d.restored.length}개를 되돌렸습니다.` })}`,
    ...d.restored.map((file) => style.dim(`  ${file}`)),
    d.backupDir
      ? tr({ en: `Your previous versions are in ${d.backupDir}`, ko: `이전 파일은 ${d.backupDir}에 있습니다.` })
      : style.dim(
          tr({
            en: 'Nothing needed a backup (the files were missing).',
            ko: '백업할 파일이 없었습니다(파일이 없었음).',
          }),
        ),
  ].join('\n');
}

function planLines(plan: FileComparison[]): string {
  return plan.map((c) => `  ${c.status === 'missing' ? '+' : '~'} ${c.path}`).join('\n');
}

async function reset(ctx: Context, day: string, id: string | undefined, options: { yes?: boolean }): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { findExercise, loadExercises } = await import('../../course/exercises.js');
  const { resetExercises, resetPlan } = await import('../../course/workspace.js');
  const lab = findLab(day);
  const exercises = id ? [findExercise(lab, id)] : loadExercises(lab);
  const workspace = await openWorkspace(ctx);
  const plan = resetPlan(workspace.root, exercises);
  let result: ReplaceResult = { replaced: [] };
  if (plan.length > 0) {
    const changed = plan.filter((c) => c.status === 'changed').length;
    await confirmReplace(
      ctx,
      options.yes === true,
      tr({
        en: `Restore the starter version of ${plan.length} file(s)? The ${changed} you changed are backed up first.`,
        ko: `파일 ${plan.length}개를 시작 상태로 되돌릴까요? 바꾼 파일 ${changed}개는 먼저 백업합니다.`,
      }),
      planLines(plan),
    );
    result = resetExercises(workspace.root, exercises);
  }
  ctx.emit(
    {
      day: lab.id,
      exercises: exercises.map((e) => e.id),
      restored: result.replaced,
      backupDir: result.backupDir ?? null,
    },
    render,
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('reset <day> [id]')
    .description(
      'Restore the starter files of an exercise (or of the whole day); your changed files are backed up first',
    )
    .option('-y, --yes', 'do not ask (needed when there is no terminal)')
    .addHelpText('after', example(['de-lab reset day1 env-config', 'de-lab reset 4 --yes']))
    .action(action(reset));
}
