import { join } from 'node:path';
import type { Command } from 'commander';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { runFailureLines } from '../render/run-failure.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';

/** The engine side of a run, loaded when it runs (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [
    labs,
    exercises,
    engine,
    containers,
    template,
    seed,
    dayStack,
    workspace,
    program,
    failures,
    giveBack,
    mirror,
  ] = await Promise.all([
    import('../../course/labs.js'),
    import('../../course/exercises.js'),
    import('../../stack/engine.js'),
    import('../../stack/sandbox/containers.js'),
    import('../../grading/template.js'),
    import('../../course/seed.js'),
    import('../../stack/day-stack.js'),
    import('../../course/workspace.js'),
    import('../../stack/run-program.js'),
    import('../../stack/run-failures.js'),
    import('../../stack/sandbox/give-back.js'),
    import('../../stack/engines/mirror.js'),
  ]);
  return {
    findLab: labs.findLab,
    findExercise: exercises.findExercise,
    requireEngine: engine.requireEngine,
    serviceContainerId: containers.serviceContainerId,
    fill: template.fill,
    courseSeed: seed.courseSeed,
    requireDayStack: dayStack.requireDayStack,
    openDayFoldersForContainers: workspace.openDayFoldersForContainers,
    runProgram: program.runProgram,
    keepRunLog: program.keepRunLog,
    recogniseFailure: failures.recogniseFailure,
    defaultFailureSignatures: failures.defaultFailureSignatures,
    giveBackToOwner: giveBack.giveBackToOwner,
    mirrorFor: mirror.mirrorFor,
  };
}

/** Files the learner changed while the program ran on the engine: theirs stay, said in one line. */
function keptLine(day: string, id: string, kept: string[]): string {
  return tr({
    en: `Kept your version of ${kept.join(', ')} in ${day}/${id}: you changed it while the program ran, and the engine's copy was not brought back.`,
    ko: `${day}/${id}의 ${kept.join(', ')}: 프로그램이 도는 동안 바꾼 내 파일을 그대로 두고, 엔진 쪽 사본은 가져오지 않았습니다.`,
  });
}

function noProgram(day: string, id: string): DeLabError {
  return new DeLabError(
    tr({
      en: `${day}/${id} has no program to run; follow its instructions instead.`,
      ko: `${day}/${id}에는 실행할 프로그램이 없습니다. 실습 안내를 따르세요.`,
    }),
    { hint: `de-lab exercise ${day} ${id}`, code: 'E_NO_RUN', exitCode: EXIT.usage },
  );
}

async function run(ctx: Context, day: string, id: string, extra: string[]): Promise<number> {
  const engine = await engineModules();
  const workspace = await openWorkspace(ctx);
  const lab = engine.findLab(day);
  const exercise = engine.findExercise(lab, id);
  if (!exercise.run) throw noProgram(lab.id, id);
  const { docker, endpoint } = await engine.requireEngine();
  // An engine of another machine runs the program on its copy of the folder (engines/mirror.ts).
  const mirror = engine.mirrorFor(docker, endpoint.host);
  const project = await engine.requireDayStack(docker, lab, workspace.root);
  const hostDir = join(workspace.root, lab.id, exercise.id);
  engine.openDayFoldersForContainers(join(workspace.root, lab.id));
  const mount = `${lab.workspaceMount ?? ''}/${exercise.id}`;
  const vars = {
    mount,
    file: `${mount}/${exercise.files[0]}`,
    seed: String(engine.courseSeed()),
    role: 'learner',
    day: lab.id,
    exercise: exercise.id,
    project,
    prefix: ctx.config.values.imagePrefix,
  };
  const command = [...exercise.run.command.map((part) => engine.fill(part, vars)), ...extra];
  const containerId = await engine.serviceContainerId(docker, project, exercise.run.service);
  if (!ctx.json) ctx.err(`$ ${command.join(' ')}`);
  await mirror?.push(hostDir);
  const { exitCode, output } = await engine.runProgram({
    docker,
    containerId,
    command,
    workdir: exercise.run.workdir ? engine.fill(exercise.run.workdir, vars) : mount,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  const back = await mirror?.pull(hostDir, 'outputs');
  if (back?.kept.length && !ctx.json) ctx.err(keptLine(lab.id, exercise.id, back.kept));
  engine.giveBackToOwner(workspace.root, join(workspace.root, lab.id));
  if (exitCode === 0) return 0;
  const logFile = engine.keepRunLog(workspace.root, lab.id, exercise.id, output);
  const known = engine.recogniseFailure(output, exitCode, [...lab.failures, ...engine.defaultFailureSignatures], {
    day: lab.id,
    exercise: exercise.id,
    file: join(hostDir, exercise.files[0]!),
    dir: hostDir,
  });
  if (!ctx.json) for (const line of runFailureLines(exitCode, known, logFile)) ctx.err(line);
  else
    ctx.out(
      JSON.stringify({
        exitCode,
        recognised: known ? { id: known.id, message: tr(known.message) } : null,
        log: logFile,
      }),
    );
  return exitCode;
}

export function register(program: Command): void {
  program
    .command('run <day> <id> [args...]')
    .description(
      'Run your program for an exercise where it belongs (e.g. spark-submit in the spark container), streaming its output',
    )
    .addHelpText('after', example(['de-lab run day4 windowed-counts', 'de-lab run day4 windowed-counts -- --verbose']))
    .action(action(run));
}
