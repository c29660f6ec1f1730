import { relative, sep } from 'node:path';
import type { Command } from 'commander';
import { seedOption } from '../parse.js';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { renderCheckLine, renderSummary } from '../render/check-lines.js';
import { progressLine } from '../render/progress-line.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';
import type { ExerciseResult } from '../../grading/results.js';

/** The engine side of a check, loaded when a check runs (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [labs, engine, inStack, dayStack, runner, mirror] = await Promise.all([
    import('../../course/labs.js'),
    import('../../stack/engine.js'),
    import('../../grading/check-in-stack.js'),
    import('../../stack/day-stack.js'),
    import('../../grading/runner.js'),
    import('../../stack/engines/mirror.js'),
  ]);
  return {
    findLab: labs.findLab,
    requireEngine: engine.requireEngine,
    checkInStack: inStack.checkInStack,
    requireDayStack: dayStack.requireDayStack,
    RunAborted: runner.RunAborted,
    mirrorFor: mirror.mirrorFor,
  };
}

/** Day and exercise from the arguments, or from the folder the learner stands in (<workspace>/dayN/<id>/…). */
export function inferTarget(root: string, cwd: string, day?: string, id?: string): { day?: string; id?: string } {
  const parts = relative(root, cwd).split(sep).filter(Boolean);
  const inside = parts.length > 0 && !parts[0]!.startsWith('..');
  return { day: day ?? (inside ? parts[0] : undefined), id: id ?? (inside && !day ? parts[1] : undefined) };
}

/** The command that was interrupted, to type again: the same day, exercises and seed. */
export function again(day: string, ids?: string[], seed?: number): string {
  return ['de-lab check', day, ...(ids ?? []), ...(seed !== undefined ? ['--seed', String(seed)] : [])].join(' ');
}

/** Grades exercises of one day in the running stack, printing progress and check lines as they come; Ctrl-C stops at once. */
export async function gradeInStack(
  ctx: Context,
  input: { workspaceRoot: string; day: string; ids?: string[]; seed?: number; signal?: AbortSignal },
): Promise<ExerciseResult[]> {
  const { findLab, requireEngine, checkInStack, requireDayStack, RunAborted, mirrorFor } = await engineModules();
  const lab = findLab(input.day);
  const { docker, endpoint } = await requireEngine();
  mirrorFor(docker, endpoint.host); // an engine of another machine runs the checks on its copy of the files
  const dayProject = await requireDayStack(docker, lab, input.workspaceRoot);
  const progress = progressLine(ctx.out, !ctx.json && Boolean(process.stdout.isTTY));
  let said: string | undefined;
  const own = new AbortController();
  const abort = () => own.abort();
  input.signal?.addEventListener('abort', abort, { once: true });
  const onSigint = () => {
    if (!ctx.json) ctx.err(style.dim(tr({ en: '\nStopping the check…', ko: '\n검사를 멈추는 중…' })));
    own.abort();
  };
  // process.on, not once: execa's signal-exit re-raises SIGINT when it sees no other listener.
  if (!input.signal) process.on('SIGINT', onSigint);
  try {
    return await checkInStack({
      docker,
      lab,
      dayProject,
      workspaceRoot: input.workspaceRoot,
      ids: input.ids,
      seed: input.seed,
      prefix: ctx.config.values.imagePrefix,
      signal: own.signal,
      onExercise: (exercise) => !ctx.json && ctx.out(style.bold(`${lab.id}/${exercise.id} — ${tr(exercise.title)}`)),
      onBegin: (event) => {
        if (ctx.json) return;
        const who = event.role === 'reference' ? tr({ en: 'reference: ', ko: '참조 답안: ' }) : '';
        progress.begin(`${who}${event.type === 'step' ? tr({ en: 'step', ko: '단계' }) + ' ' : ''}${event.title}`);
      },
      onCheck: (c) => {
        if (ctx.json || c.role !== 'learner') return;
        progress.end();
        ctx.out(renderCheckLine(c, said));
        said = c.status === 'skipped' ? c.message : undefined;
      },
    });
  } catch (error) {
    if (error instanceof RunAborted)
      throw new DeLabError(
        tr({ en: 'The check was stopped before it finished.', ko: '검사가 끝나기 전에 멈췄습니다.' }),
        {
          hint: tr({
            en: `Run it again when you are ready: ${again(lab.id, input.ids, input.seed)}`,
            ko: `준비되면 다시 실행하세요: ${again(lab.id, input.ids, input.seed)}`,
          }),
          code: 'E_ABORTED',
          exitCode: EXIT.interrupted,
        },
      );
    throw error;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
    input.signal?.removeEventListener('abort', abort);
  }
}

async function check(
  ctx: Context,
  dayArg: string | undefined,
  idArg: string | undefined,
  options: { seed?: number },
): Promise<number> {
  const workspace = await openWorkspace(ctx);
  const target = inferTarget(workspace.root, process.cwd(), dayArg, idArg);
  if (!target.day) {
    throw new DeLabError(tr({ en: 'Say which day to check.', ko: '어느 날을 검사할지 알려 주세요.' }), {
      hint: 'de-lab check day4 windowed-counts',
      code: 'E_USAGE',
      exitCode: EXIT.usage,
    });
  }
  const results = await gradeInStack(ctx, {
    workspaceRoot: workspace.root,
    day: target.day,
    ids: target.id ? [target.id] : undefined,
    seed: options.seed,
  });
  ctx.emit({ workspace: workspace.root, results }, (d) => `\n${renderSummary(d.results)}`);
  return results.every((r) => r.passed) ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('check [day] [id]')
    .description('Grade your work for an exercise (or a whole day) against the reference, in the running stack')
    .addOption(seedOption('data seed (default: the course seed)'))
    .addHelpText(
      'after',
      example([
        'de-lab check day1 dockerfile-data-tool',
        'de-lab check day4',
        'cd ~/de-lab/day4/windowed-counts && de-lab check',
      ]),
    )
    .action(action(check));
}
