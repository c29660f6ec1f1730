import { josa } from '../../i18n/josa.js';
import { relative, sep } from 'node:path';
import type { Command } from 'commander';
import { seedOption } from '../parse.js';
import { DeLabError } from '../../core/errors.js';
import { points, tr } from '../../i18n/lang.js';
import type { CheckResult, ExerciseResult } from '../../grading/results.js';
import { displayWidth, marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';

/**
 * One check's line(s). `said`: the message of the check printed just before; the same cause (a
 * failed step that skipped the rest) is printed once, and the checks it skipped are listed after it.
 */
export function renderCheckLine(check: CheckResult, said?: string): string {
  const mark =
    check.status === 'passed'
      ? style.ok(marks.ok)
      : check.status === 'skipped'
        ? style.dim(marks.skip)
        : style.fail(marks.fail);
  const lines = [`${mark} ${check.title} ${style.dim(`(${points(check.weight)}, ${check.seconds.toFixed(1)} s)`)}`];
  if (check.status !== 'passed') {
    // The two labels end at the same column in either language (Hangul is two columns wide).
    const [expected, found] = [tr({ en: 'expected:', ko: '기대:' }), tr({ en: 'found:', ko: '실제:' })];
    const width = Math.max(displayWidth(expected), displayWidth(found));
    const label = (text: string) => text + ' '.repeat(width - displayWidth(text) + 1);
    if (check.expected) lines.push(`    ${label(expected)}${check.expected}`);
    if (check.found) lines.push(`    ${label(found)}${check.found}`);
    if (check.message && check.message !== said) lines.push(`    ${style.dim(check.message)}`);
  }
  return lines.join('\n');
}

function renderSummary(results: ExerciseResult[]): string {
  return results
    .map((r) => {
      const failedStep = r.steps.find((s) => !s.ok);
      const fix = failedStep
        ? tr({
            en: `Fix what stopped step ${failedStep.id} (below)`,
            ko: `단계 ${josa(failedStep.id, '을/를')} 멈춘 원인(아래)을 고치거나`,
          })
        : tr({ en: 'Fix the ✖ lines', ko: '✖ 항목을 고치거나' });
      const head = r.passed
        ? style.ok(
            tr({
              en: `${r.day}/${r.exercise} passed: ${points(r.score, r.maxScore)}.`,
              ko: `${r.day}/${r.exercise} 통과: ${points(r.score, r.maxScore)}.`,
            }),
          )
        : style.fail(
            tr({
              en: `${r.day}/${r.exercise}: ${points(r.score, r.maxScore)}. ${fix}, or ask: de-lab hint ${r.day} ${r.exercise}`,
              ko: `${r.day}/${r.exercise}: ${points(r.score, r.maxScore)}. ${fix} 힌트를 보세요: de-lab hint ${r.day} ${r.exercise}`,
            }),
          );
      return failedStep
        ? `${head}\n  ${style.fail(marks.fail)} ${tr({ en: 'step', ko: '단계' })} ${failedStep.id}: ${failedStep.error}${
            failedStep.output
              ? `\n${failedStep.output
                  .split('\n')
                  .map((l) => `      ${l}`)
                  .join('\n')}`
              : ''
          }`
        : head;
    })
    .join('\n');
}

/** Day and exercise from the arguments, or from the folder the learner stands in (<workspace>/dayN/<id>/…). */
export function inferTarget(root: string, cwd: string, day?: string, id?: string): { day?: string; id?: string } {
  const parts = relative(root, cwd).split(sep).filter(Boolean);
  const inside = parts.length > 0 && !parts[0]!.startsWith('..');
  return { day: day ?? (inside ? parts[0] : undefined), id: id ?? (inside && !day ? parts[1] : undefined) };
}

/**
 * What is running now and for how long: on a terminal one line that updates every second, in a
 * log (CI, a pipe) one line when it begins. Cleared before the result line is printed.
 */
export function progressLine(write: (text: string) => void, live: boolean) {
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live && shown) process.stdout.write('\r\u001b[2K');
    shown = false;
  };
  return {
    begin(title: string) {
      clear();
      const started = Date.now();
      if (!live) {
        write(style.dim(`  … ${title}`));
        return;
      }
      const draw = () => {
        shown = true;
        process.stdout.write(
          `\r\u001b[2K${style.dim(`  ⋯ ${title} (${Math.round((Date.now() - started) / 1000)} s)`)}`,
        );
      };
      draw();
      timer = setInterval(draw, 1000);
      timer.unref();
    },
    end: clear,
  };
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
  const { findLab } = await import('../../course/labs.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { checkInStack } = await import('../../grading/check-in-stack.js');
  const { requireDayStack } = await import('../../stack/day-stack.js');
  const lab = findLab(input.day);
  const { docker } = await requireEngine();
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
    const { RunAborted } = await import('../../grading/runner.js');
    if (error instanceof RunAborted)
      throw new DeLabError(
        tr({ en: 'The check was stopped before it finished.', ko: '검사가 끝나기 전에 멈췄습니다.' }),
        {
          hint: tr({
            en: `Run it again when you are ready: ${again(lab.id, input.ids, input.seed)}`,
            ko: `준비되면 다시 실행하세요: ${again(lab.id, input.ids, input.seed)}`,
          }),
          code: 'E_ABORTED',
          exitCode: 130,
        },
      );
    throw error;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
    input.signal?.removeEventListener('abort', abort);
  }
}

export { renderSummary };

async function check(
  ctx: Context,
  dayArg: string | undefined,
  idArg: string | undefined,
  options: { seed?: string },
): Promise<number> {
  const workspace = await openWorkspace(ctx);
  const target = inferTarget(workspace.root, process.cwd(), dayArg, idArg);
  if (!target.day) {
    throw new DeLabError(tr({ en: 'Say which day to check.', ko: '어느 날을 검사할지 알려 주세요.' }), {
      hint: 'de-lab check day4 windowed-counts',
      code: 'E_USAGE',
      exitCode: 2,
    });
  }
  const results = await gradeInStack(ctx, {
    workspaceRoot: workspace.root,
    day: target.day,
    ids: target.id ? [target.id] : undefined,
    seed: options.seed !== undefined ? Number(options.seed) : undefined,
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
