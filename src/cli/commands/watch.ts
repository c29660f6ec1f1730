import type { Command } from 'commander';
import { seedOption } from '../parse.js';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';
import { gradeInStack, inferTarget } from './check.js';
import { renderSummary } from '../render/check-lines.js';

/**
 * Re-runs an exercise's checks whenever one of its files (the `files:` of its exercise.yaml) is
 * saved. Only those files trigger a run: the checks themselves write outputs into the same folder.
 */
async function watch(
  ctx: Context,
  dayArg: string | undefined,
  idArg: string | undefined,
  options: { seed?: string; debounce: string; runs?: string },
): Promise<number> {
  const { watch: watchFs } = await import('node:fs');
  const { normalize } = await import('node:path');
  const { findLab } = await import('../../course/labs.js');
  const { findExercise } = await import('../../course/exercises.js');
  const { exerciseDir } = await import('../../course/workspace.js');
  const { startDebouncer } = await import('../../core/debounce.js');
  const workspace = await openWorkspace(ctx);
  const target = inferTarget(workspace.root, process.cwd(), dayArg, idArg);
  if (!target.day || !target.id) {
    throw new DeLabError(tr({ en: 'Say which exercise to watch.', ko: '어느 실습을 지켜볼지 알려 주세요.' }), {
      hint: 'de-lab watch day1 dockerfile-data-tool',
      code: 'E_USAGE',
      exitCode: 2,
    });
  }
  const lab = findLab(target.day);
  const exercise = findExercise(lab, target.id);
  const dir = exerciseDir(workspace.root, exercise);
  const files = new Set(exercise.files.map((f) => normalize(f)));
  const maxRuns = options.runs ? Number(options.runs) : Infinity;
  const seed = options.seed !== undefined ? Number(options.seed) : undefined;
  let runs = 0;
  let lastPassed = false;
  let running: AbortController | undefined;
  let current: Promise<void> = Promise.resolve();
  // A save counts only when it changes what the learner wrote: an event from a chmod, a touch, an
  // editor's swap file or anything a job writes next to it does not start a check.
  const { contentsOf } = await import('../../course/fingerprint.js');
  let seen = contentsOf(dir, [...files]);

  const once = async () => {
    runs += 1;
    if (!ctx.json)
      ctx.out(
        style.dim(
          `\n— ${new Date().toLocaleTimeString()} · ${tr({ en: 'checking', ko: '검사 중' })} ${lab.id}/${exercise.id}`,
        ),
      );
    running = new AbortController();
    try {
      const results = await gradeInStack(ctx, {
        workspaceRoot: workspace.root,
        day: lab.id,
        ids: [exercise.id],
        seed,
        signal: running.signal,
      });
      lastPassed = results.every((r) => r.passed);
      if (ctx.json) ctx.out(JSON.stringify({ run: runs, results }));
      else ctx.out(`\n${renderSummary(results)}`);
    } catch (error) {
      lastPassed = false;
      if (running.signal.aborted) return;
      // The first check cannot run (no stack, no engine): say so and stop. Later, keep watching.
      if (runs === 1) throw error;
      ctx.err(style.fail(error instanceof Error ? error.message : String(error)));
      if (error instanceof DeLabError && error.hint) ctx.err(`  → ${error.hint}`);
    }
    if (!ctx.json && runs < maxRuns)
      ctx.out(
        style.dim(
          tr({
            en: `Watching ${[...files].join(', ')}; save to check again, Ctrl-C to stop.`,
            ko: `${[...files].join(', ')} 파일을 지켜봅니다. 저장하면 다시 검사하고, Ctrl-C로 멈춥니다.`,
          }),
        ),
      );
  };

  return await new Promise<number>((resolve, reject) => {
    const finish = (code: number) => {
      watcher.close();
      debouncer.stop();
      process.off('SIGINT', onSignal);
      resolve(code);
    };
    const debouncer = startDebouncer(
      Number(options.debounce),
      async () => {
        current = once();
        await current;
        if (runs >= maxRuns) finish(lastPassed ? 0 : 1);
      },
      (error) => {
        watcher.close();
        reject(error);
      },
    );
    const watcher = watchFs(dir, { recursive: true }, (_event, name) => {
      if (!name || !files.has(normalize(name.toString()))) return;
      const now = contentsOf(dir, [...files]);
      if (now === seen) return;
      seen = now;
      debouncer.trigger();
    });
    const onSignal = () => {
      // Ctrl-C stops a running check at once: its commands are stopped, then its stacks removed.
      running?.abort();
      void current.finally(() => finish(lastPassed ? 0 : 1));
    };
    process.on('SIGINT', onSignal);
    debouncer.trigger(0); // check once right away
  });
}

export function register(program: Command): void {
  program
    .command('watch [day] [id]')
    .description('Check an exercise again every time you save one of its files')
    .addOption(seedOption('data seed (default: the course seed)'))
    .option('--debounce <ms>', 'wait this long after the last save before checking', '500')
    .option('--runs <n>', 'stop after this many checks (for scripts); exit code of the last one')
    .addHelpText(
      'after',
      example(['de-lab watch day1 dockerfile-data-tool', 'cd ~/de-lab/day4/windowed-counts && de-lab watch']),
    )
    .action(action(watch));
}
