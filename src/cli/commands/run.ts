import type { Command } from 'commander';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { marks, style } from '../../ui/style.js';
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
  const { requireDayStack } = await import('../../stack/day-stack.js');
  const workspace = await openWorkspace(ctx);
  const lab = findLab(day);
  const exercise = findExercise(lab, id);
  if (!exercise.run) {
    throw new DeLabError(
      tr({
        en: `${lab.id}/${id} has no program to run; follow its instructions instead.`,
        ko: `${lab.id}/${id}에는 실행할 프로그램이 없습니다. 실습 안내를 따르세요.`,
      }),
      {
        hint: `de-lab exercise ${lab.id} ${id}`,
        code: 'E_NO_RUN',
        exitCode: 2,
      },
    );
  }
  const { docker } = await requireEngine();
  const project = await requireDayStack(docker, lab, workspace.root);
  const { openDayFoldersForContainers } = await import('../../course/workspace.js');
  const { join: joinPath } = await import('node:path');
  openDayFoldersForContainers(joinPath(workspace.root, lab.id));
  const mount = `${lab.workspaceMount ?? ''}/${exercise.id}`;
  const vars = {
    mount,
    file: `${mount}/${exercise.files[0]}`,
    seed: String(DEFAULT_SEED),
    role: 'learner',
    day: lab.id,
    exercise: exercise.id,
    project,
    prefix: ctx.config.values.imagePrefix,
  };
  const command = [...exercise.run.command.map((part) => fill(part, vars)), ...extra];
  const containerId = await serviceContainerId(docker, project, exercise.run.service);
  if (!ctx.json) ctx.err(`$ ${command.join(' ')}`);
  // The output streams to the terminal as it comes; a copy of its tail is kept to recognise known failures.
  const { PassThrough } = await import('node:stream');
  const { OutputTail, recogniseFailure, defaultFailureSignatures } = await import('../../stack/run-failures.js');
  const tail = new OutputTail();
  const tee = (target: NodeJS.WritableStream) => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      target.write(chunk);
    });
    return stream;
  };
  const exitCode = await execInContainer({
    docker,
    containerId,
    command,
    tty: false,
    stdin: false,
    stdout: tee(process.stdout),
    stderr: tee(process.stderr),
    workdir: exercise.run.workdir ? fill(exercise.run.workdir, vars) : mount,
  });
  const { giveBackToOwner } = await import('../../stack/sandbox/give-back.js');
  giveBackToOwner(workspace.root, joinPath(workspace.root, lab.id));
  if (exitCode === 0) return 0;
  const hostDir = joinPath(workspace.root, lab.id, exercise.id);
  const output = tail.toString();
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const logFile = joinPath(workspace.root, '.de-lab', 'runs', `${lab.id}-${exercise.id}.log`);
  try {
    mkdirSync(joinPath(workspace.root, '.de-lab', 'runs'), { recursive: true });
    writeFileSync(logFile, output);
  } catch {
    // The output was shown already; keeping a copy is a convenience.
  }
  const known = recogniseFailure(output, exitCode, [...lab.failures, ...defaultFailureSignatures], {
    day: lab.id,
    exercise: exercise.id,
    file: joinPath(hostDir, exercise.files[0]!),
    dir: hostDir,
  });
  if (!ctx.json) {
    ctx.err('');
    ctx.err(
      `${style.fail(marks.fail)} ${tr({ en: `Your program exited with code ${exitCode}.`, ko: `프로그램이 종료 코드 ${exitCode}로 끝났습니다.` })} ${known ? tr(known.message) : tr({ en: 'Read the error above, fix your file, then run it again.', ko: '위의 오류를 읽고 파일을 고친 뒤 다시 실행하세요.' })}`,
    );
    ctx.err(style.dim(tr({ en: `  The output is kept in ${logFile}.`, ko: `  출력은 ${logFile}에 남겨 두었습니다.` })));
  } else {
    ctx.out(
      JSON.stringify({
        exitCode,
        recognised: known ? { id: known.id, message: tr(known.message) } : null,
        log: logFile,
      }),
    );
  }
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
