import { watch as watchFs } from 'node:fs';
import { normalize } from 'node:path';
import { Option, type Command } from 'commander';
import { seedOption, wholeNumber } from '../parse.js';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';
import { gradeInStack, inferTarget } from './check.js';
import { renderSummary } from '../render/check-lines.js';

/** The course side of a watch, loaded when it runs (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [labs, exercises, workspace, debounce, fingerprint] = await Promise.all([
    import('../../course/labs.js'),
    import('../../course/exercises.js'),
    import('../../course/workspace.js'),
    import('../../core/debounce.js'),
    import('../../course/fingerprint.js'),
  ]);
  return {
    findLab: labs.findLab,
    findExercise: exercises.findExercise,
    exerciseDir: workspace.exerciseDir,
    startDebouncer: debounce.startDebouncer,
    contentsOf: fingerprint.contentsOf,
  };
}

/** One exercise being watched, and where its checks stand. */
interface Watch {
  ctx: Context;
  workspaceRoot: string;
  day: string;
  exercise: string;
  dir: string;
  files: Set<string>;
  seed?: number;
  maxRuns: number;
  runs: number;
  lastPassed: boolean;
  running?: AbortController;
  current: Promise<void>;
}

/** Runs the exercise's checks once and prints their lines; after the first run, a failure to run is only reported. */
async function checkOnce(w: Watch): Promise<void> {
  const { ctx } = w;
  w.runs += 1;
  if (!ctx.json)
    ctx.out(
      style.dim(
        `\n— ${new Date().toLocaleTimeString()} · ${tr({ en: 'checking', ko: '검사 중' })} ${w.day}/${w.exercise}`,
      ),
    );
  const running = (w.running = new AbortController());
  try {
    const results = await gradeInStack(ctx, {
      workspaceRoot: w.workspaceRoot,
      day: w.day,
      ids: [w.exercise],
      seed: w.seed,
      signal: running.signal,
    });
    w.lastPassed = results.every((r) => r.passed);
    if (ctx.json) ctx.out(JSON.stringify({ run: w.runs, results }));
    else ctx.out(`\n${renderSummary(results)}`);
  } catch (error) {
    w.lastPassed = false;
    if (running.signal.aborted) return;
    // The first check cannot run (no stack, no engine): say so and stop. Later, keep watching.
    if (w.runs === 1) throw error;
    ctx.err(style.fail(error instanceof Error ? error.message : String(error)));
    if (error instanceof DeLabError && error.hint) ctx.err(`  → ${error.hint}`);
  }
  if (!ctx.json && w.runs < w.maxRuns)
    ctx.out(
      style.dim(
        tr({
          en: `Watching ${[...w.files].join(', ')}; save to check again, Ctrl-C to stop.`,
          ko: `${[...w.files].join(', ')} 파일을 지켜봅니다. 저장하면 다시 검사하고, Ctrl-C로 멈춥니다.`,
        }),
      ),
    );
}

/** Checks once, then after every save that changes a watched file, until --runs or Ctrl-C. */
function watchLoop(w: Watch, engine: Awaited<ReturnType<typeof engineModules>>, debounceMs: number): Promise<number> {
  // A save counts only when it changes what the learner wrote: an event from a chmod, a touch, an
  // editor's swap file or anything a job writes next to it does not start a check.
  let seen = engine.contentsOf(w.dir, [...w.files]);
  return new Promise<number>((resolve, reject) => {
    const finish = (code: number) => {
      watcher.close();
      debouncer.stop();
      process.off('SIGINT', onSignal);
      resolve(code);
    };
    const debouncer = engine.startDebouncer(
      debounceMs,
      async () => {
        w.current = checkOnce(w);
        await w.current;
        if (w.runs >= w.maxRuns) finish(w.lastPassed ? 0 : 1);
      },
      (error) => {
        watcher.close();
        reject(error);
      },
    );
    const watcher = watchFs(w.dir, { recursive: true }, (_event, name) => {
      if (!name || !w.files.has(normalize(name.toString()))) return;
      const now = engine.contentsOf(w.dir, [...w.files]);
      if (now === seen) return;
      seen = now;
      debouncer.trigger();
    });
    const onSignal = () => {
      // Ctrl-C stops a running check at once: its commands are stopped, then its stacks removed.
      w.running?.abort();
      void w.current.finally(() => finish(w.lastPassed ? 0 : 1));
    };
    process.on('SIGINT', onSignal);
    debouncer.trigger(0); // check once right away
  });
}

/**
 * Re-runs an exercise's checks whenever one of its files (the `files:` of its exercise.yaml) is
 * saved. Only those files trigger a run: the checks themselves write outputs into the same folder.
 */
async function watch(
  ctx: Context,
  dayArg: string | undefined,
  idArg: string | undefined,
  options: { seed?: number; debounce: number; runs?: number },
): Promise<number> {
  const engine = await engineModules();
  const workspace = await openWorkspace(ctx);
  const target = inferTarget(workspace.root, process.cwd(), dayArg, idArg);
  if (!target.day || !target.id) {
    throw new DeLabError(tr({ en: 'Say which exercise to watch.', ko: '어느 실습을 지켜볼지 알려 주세요.' }), {
      hint: 'de-lab watch day1 dockerfile-data-tool',
      code: 'E_USAGE',
      exitCode: EXIT.usage,
    });
  }
  const lab = engine.findLab(target.day);
  const exercise = engine.findExercise(lab, target.id);
  const w: Watch = {
    ctx,
    workspaceRoot: workspace.root,
    day: lab.id,
    exercise: exercise.id,
    dir: engine.exerciseDir(workspace.root, exercise),
    files: new Set(exercise.files.map((f) => normalize(f))),
    seed: options.seed,
    maxRuns: options.runs ?? Infinity,
    runs: 0,
    lastPassed: false,
    current: Promise.resolve(),
  };
  return await watchLoop(w, engine, options.debounce);
}

export function register(program: Command): void {
  program
    .command('watch [day] [id]')
    .description('Check an exercise again every time you save one of its files')
    .addOption(seedOption('data seed (default: the course seed)'))
    .addOption(
      new Option('--debounce <ms>', 'wait this long after the last save before checking, 0 to 60000')
        .default(500)
        .argParser(wholeNumber(0, 60_000, 500)),
    )
    .addOption(
      new Option(
        '--runs <n>',
        'stop after this many checks, up to 10000 (for scripts); exit code of the last one',
      ).argParser(wholeNumber(1, 10_000)),
    )
    .addHelpText(
      'after',
      example(['de-lab watch day1 dockerfile-data-tool', 'cd ~/de-lab/day4/windowed-counts && de-lab watch']),
    )
    .action(action(watch));
}
