import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { ReplaceResult, SolutionDiff } from '../../course/workspace.js';
import { marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { colorDiff, confirmReplace, openWorkspace } from '../course.js';

interface SolutionView {
  day: string;
  exercise: string;
  files: SolutionDiff[];
  applied: ReplaceResult | null;
}

function render(d: SolutionView): string {
  const different = d.files.filter((file) => file.status !== 'same');
  if (d.applied) {
    return [
      `${style.ok(marks.ok)} ${tr({ en: `Replaced ${d.applied.replaced.length} file(s) with the reference solution.`, ko: `파일 ${d.applied.replaced.length}개를 모범 답안으로 바꿨습니다.` })}`,
      ...d.applied.replaced.map((file) => style.dim(`  ${file}`)),
      d.applied.backupDir
        ? tr({
            en: `Your versions are in ${d.applied.backupDir}`,
            ko: `원래 파일은 ${d.applied.backupDir}에 있습니다.`,
          })
        : style.dim(
            tr({
              en: 'Nothing needed a backup (the files were missing).',
              ko: '백업할 파일이 없었습니다(파일이 없었음).',
            }),
          ),
    ].join('\n');
  }
  if (different.length === 0)
    return `${style.ok(marks.ok)} ${tr({ en: 'Your files already match the reference solution.', ko: '내 파일이 이미 모범 답안과 같습니다.' })}`;
  return [
    ...different.map((file) => colorDiff(file.diff.trimEnd())),
    '',
    style.dim(
      tr({
        en: `Lines with - are yours, + the reference's. Replace yours with it: de-lab solution ${d.day} ${d.exercise} --apply`,
        ko: `-는 내 줄, +는 모범 답안의 줄입니다. 내 파일을 바꾸려면: de-lab solution ${d.day} ${d.exercise} --apply`,
      }),
    ),
  ].join('\n');
}

async function solution(
  ctx: Context,
  day: string,
  id: string,
  options: { apply?: boolean; yes?: boolean },
): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { findExercise } = await import('../../course/exercises.js');
  const { applySolution, solutionDiffs } = await import('../../course/workspace.js');
  const lab = findLab(day);
  const exercise = findExercise(lab, id);
  const workspace = await openWorkspace(ctx);
  const files = solutionDiffs(workspace.root, exercise);
  let applied: ReplaceResult | null = null;
  const changing = files.filter((file) => file.status !== 'same');
  if (options.apply && changing.length > 0) {
    await confirmReplace(
      ctx,
      options.yes === true,
      tr({
        en: `Replace ${changing.length} of your file(s) with the reference solution? Yours are backed up first.`,
        ko: `내 파일 ${changing.length}개를 모범 답안으로 바꿀까요? 원래 파일은 먼저 백업합니다.`,
      }),
      changing.map((file) => colorDiff(file.diff.trimEnd())).join('\n'),
    );
    applied = applySolution(workspace.root, exercise);
  }
  ctx.emit({ day: lab.id, exercise: exercise.id, files, applied }, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('solution <day> <id>')
    .description('Compare your files with the reference solution as a diff; --apply replaces yours (after a backup)')
    .option('--apply', 'replace your files with the reference solution (asks first; backs yours up)')
    .option('-y, --yes', 'do not ask (needed with --apply when there is no terminal)')
    .addHelpText(
      'after',
      example([
        'de-lab solution day1 env-config',
        'de-lab solution 1 env-config --apply',
        'de-lab solution day4 parse-events --apply --yes --json',
      ]),
    )
    .action(action(solution));
}
