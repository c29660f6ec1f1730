import { josa } from '../../i18n/josa.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { tr } from '../../i18n/lang.js';
import type { InitResult } from '../../course/workspace.js';
import { marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

const gitText = {
  initialized: {
    en: 'git: made it a repository (commit your work as you go).',
    ko: 'git: 저장소로 만들었습니다(틈틈이 커밋하세요).',
  },
  already: { en: 'git: already a repository.', ko: 'git: 이미 저장소입니다.' },
  'git-missing': {
    en: 'git: not installed, so --git was skipped.',
    ko: 'git: 설치되어 있지 않아 --git을 건너뛰었습니다.',
  },
  failed: {
    en: 'git: `git init` failed, so the workspace is not a repository; everything else is in place.',
    ko: 'git: `git init`이 실패해 저장소는 아니지만, 나머지는 모두 준비되었습니다.',
  },
} as const;

function render(d: InitResult & { remembered: boolean; defaultWorkspace?: string; next: string }): string {
  const lines = [
    d.created
      ? `${style.ok(marks.ok)} ${tr({ en: `Created your workspace at ${d.root} (${d.added.length} files).`, ko: `${d.root}에 작업 폴더를 만들었습니다(파일 ${d.added.length}개).` })}`
      : `${style.ok(marks.ok)} ${tr({ en: `${d.root} is already your workspace: added ${d.added.length} missing file(s), kept ${d.kept} file(s) as they were.`, ko: `${josa(d.root, '은/는')} 이미 작업 폴더입니다. 빠진 파일 ${d.added.length}개를 더했고, 파일 ${d.kept}개는 그대로 두었습니다.` })}`,
  ];
  if (!d.created && d.added.length > 0) lines.push(...d.added.map((file) => style.dim(`  + ${file}`)));
  if (d.git !== 'not-asked') lines.push(`  ${tr(gitText[d.git])}`);
  if (d.remembered)
    lines.push(
      style.dim(
        tr({
          en: `  Remembered it as your workspace (config: workspace).`,
          ko: `  작업 폴더로 기억해 두었습니다(설정: workspace).`,
        }),
      ),
    );
  if (d.defaultWorkspace)
    lines.push(
      style.dim(
        tr({
          en: `  Your default workspace stays ${d.defaultWorkspace}; commands use this one when run inside it (make it the default with --remember).`,
          ko: `  기본 작업 폴더는 그대로 ${d.defaultWorkspace}입니다. 이 폴더 안에서 실행하면 이 폴더를 씁니다(기본으로 하려면 --remember).`,
        }),
      ),
    );
  lines.push(`${tr({ en: 'Next', ko: '다음' })}: ${style.code(d.next)}`);
  return lines.join('\n');
}

async function init(
  ctx: Context,
  dir: string | undefined,
  options: { git?: boolean; remember?: boolean },
): Promise<number> {
  const { loadCourse } = await import('../../course/exercises.js');
  const { initWorkspace } = await import('../../course/workspace.js');
  const { setConfigValue } = await import('../../config/config.js');
  const { nextDayAfterInit } = await import('../../course/next-day.js');
  const root = resolve(dir ?? ctx.config.values.workspace);
  const course = loadCourse();
  // The day `start` was run for before this folder was a workspace, so both name the same next step.
  const first = nextDayAfterInit(
    root,
    course.filter((day) => day.exercises.length > 0).map((day) => day.lab.id),
  );
  const result = initWorkspace(root, course, { git: options.git === true });
  // The first workspace becomes the default; another one (a learner's folder an instructor looks at,
  // a second copy) does not replace it unless asked, or unless the default is gone.
  const configured = ctx.config.origins.workspace === 'file' ? ctx.config.values.workspace : undefined;
  const replace = configured === undefined || !existsSync(configured) || options.remember === true;
  const remembered = replace && configured !== result.root;
  if (remembered) setConfigValue('workspace', result.root);
  const kept = !replace && configured !== result.root ? configured : undefined;
  const cd = /\s/.test(result.root) ? `"${result.root}"` : result.root;
  const next = `cd ${cd} && de-lab ${first ? `exercise ${first}` : 'list'}`;
  ctx.emit({ ...result, remembered, defaultWorkspace: kept, next }, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('init [dir]')
    .description(
      "Create your workspace with every exercise's starter files (run again to add new ones; never overwrites)",
    )
    .option('--git', 'also make it a git repository (skipped when git is not installed)')
    .option('--remember', 'make it the default workspace even if you have another one (the first one always is)')
    .addHelpText(
      'after',
      example([
        'de-lab init',
        'de-lab init ~/course --git',
        'de-lab init ./class/kim-minji',
        'de-lab init ~/course2 --remember',
      ]),
    )
    .action(action(init));
}
