import type { Command } from 'commander';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';

async function run(ctx: Context, day: string, id: string, extra: string[]): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { findExercise } = await import('../../course/exercises.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { serviceContainerId } = await import('../../stack/sandbox/containers.js');
  const { execInContainer } = await import('../../stack/exec.js');
  const { fill } = await import('../../grading/template.js');
  const { DEFAULT_SEED } = await import('../../grading/session.js');
  const { requireDayStack } = await import('../day-stack.js');
  const workspace = await openWorkspace(ctx);
  const lab = findLab(day);
  const exercise = findExercise(lab, id);
  if (!exercise.run) {
    throw new DeLabError(tr({ en: `${lab.id}/${id} has no program to run; follow its instructions instead.`, ko: `${lab.id}/${id}에는 실행할 프로그램이 없습니다. 실습 안내를 따르세요.` }), {
      hint: `de-lab exercise ${lab.id} ${id}`,
      code: 'E_NO_RUN',
      exitCode: 2,
    });
  }
  const { docker } = await requireEngine();
  const project = await requireDayStack(docker, lab, workspace.root);
  const { openDayFoldersForContainers } = await import('../../course/workspace.js');
  const { join: joinPath } = await import('node:path');
  openDayFoldersForContainers(joinPath(workspace.root, lab.id));
  const mount = `${lab.workspaceMount ?? ''}/${exercise.id}`;
  const vars = { mount, file: `${mount}/${exercise.files[0]}`, seed: String(DEFAULT_SEED), role: 'learner', day: lab.id, exercise: exercise.id, project, prefix: ctx.config.values.imagePrefix };
  const command = [...exercise.run.command.map((part) => fill(part, vars)), ...extra];
  const containerId = await serviceContainerId(docker, project, exercise.run.service);
  if (!ctx.json) ctx.err(`$ ${command.join(' ')}`);
  return execInContainer({ docker, containerId, command, tty: false, stdin: false, workdir: exercise.run.workdir ? fill(exercise.run.workdir, vars) : mount });
}

export function register(program: Command): void {
  program
    .command('run <day> <id> [args...]')
    .description('Run your program for an exercise where it belongs (e.g. spark-submit in the spark container), streaming its output')
    .addHelpText('after', example(['de-lab run day4 windowed-counts', 'de-lab run day4 windowed-counts -- --verbose']))
    .action(action(run));
}
