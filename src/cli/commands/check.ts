import { relative, sep } from 'node:path';
import type { Command } from 'commander';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { CheckResult, ExerciseResult } from '../../grading/results.js';
import { marks, style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { openWorkspace } from '../course.js';
import { example } from '../help.js';

export function renderCheckLine(check: CheckResult): string {
  const mark = check.status === 'passed' ? style.ok(marks.ok) : check.status === 'skipped' ? style.dim(marks.skip) : style.fail(marks.fail);
  const lines = [`${mark} ${check.title} ${style.dim(`(${check.weight} pt, ${check.seconds.toFixed(1)} s)`)}`];
  if (check.status !== 'passed') {
    if (check.expected) lines.push(`    ${tr({ en: 'expected', ko: '기대' })}: ${check.expected}`);
    if (check.found) lines.push(`    ${tr({ en: 'found', ko: '실제' })}:    ${check.found}`);
    if (check.message) lines.push(`    ${style.dim(check.message)}`);
  }
  return lines.join('\n');
}

function renderSummary(results: ExerciseResult[]): string {
  return results
    .map((r) => {
      const head = r.passed
        ? style.ok(tr({ en: `${r.day}/${r.exercise} passed: ${r.score}/${r.maxScore} points.`, ko: `${r.day}/${r.exercise} 통과: ${r.score}/${r.maxScore}점.` }))
        : style.fail(tr({ en: `${r.day}/${r.exercise}: ${r.score}/${r.maxScore} points. Fix the ✖ lines, or ask: de-lab hint ${r.day} ${r.exercise}`, ko: `${r.day}/${r.exercise}: ${r.score}/${r.maxScore}점. ✖ 항목을 고치거나 힌트를 보세요: de-lab hint ${r.day} ${r.exercise}` }));
      const failedStep = r.steps.find((s) => !s.ok);
      return failedStep ? `${head}\n  ${style.fail(marks.fail)} ${tr({ en: 'step', ko: '단계' })} ${failedStep.id}: ${failedStep.error}${failedStep.output ? `\n${failedStep.output.split('\n').map((l) => `      ${l}`).join('\n')}` : ''}` : head;
    })
    .join('\n');
}

/** Day and exercise from the arguments, or from the folder the learner stands in (<workspace>/dayN/<id>/…). */
export function inferTarget(root: string, cwd: string, day?: string, id?: string): { day?: string; id?: string } {
  const parts = relative(root, cwd).split(sep).filter(Boolean);
  const inside = parts.length > 0 && !parts[0]!.startsWith('..');
  return { day: day ?? (inside ? parts[0] : undefined), id: id ?? (inside && !day ? parts[1] : undefined) };
}

/** Grades exercises of one day in the running stack, printing check lines as they come, and records progress. */
export async function gradeInStack(ctx: Context, input: { workspaceRoot: string; day: string; ids?: string[]; seed?: number }): Promise<ExerciseResult[]> {
  const { findLab } = await import('../../course/labs.js');
  const { loadExercises, findExercise } = await import('../../course/exercises.js');
  const { exerciseDir } = await import('../../course/workspace.js');
  const { recordCheckResult } = await import('../../course/state.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { gradeExercise } = await import('../../grading/session.js');
  const { requireDayStack } = await import('../day-stack.js');
  const { join } = await import('node:path');
  const lab = findLab(input.day);
  const exercises = input.ids?.length ? input.ids.map((id) => findExercise(lab, id)) : loadExercises(lab);
  const { docker } = await requireEngine();
  const dayProject = await requireDayStack(docker, lab, input.workspaceRoot);
  const results: ExerciseResult[] = [];
  for (const exercise of exercises) {
    if (!ctx.json) ctx.out(style.bold(`${lab.id}/${exercise.id} — ${tr(exercise.title)}`));
    const result = await gradeExercise({
      docker,
      lab,
      exercise: exercise.id,
      workdir: exerciseDir(input.workspaceRoot, exercise),
      dayDir: join(input.workspaceRoot, lab.id),
      dayProject,
      prefix: ctx.config.values.imagePrefix,
      seed: input.seed,
      onStep: (step) => !ctx.json && step.role === 'reference' && step.id && ctx.verbose && ctx.err(style.dim(`  reference: ${step.id} ${step.ok ? 'ok' : step.error}`)),
      onCheck: (c) => !ctx.json && c.role === 'learner' && ctx.out(renderCheckLine(c)),
    });
    recordCheckResult(input.workspaceRoot, lab.id, exercise.id, result);
    results.push(result);
  }
  return results;
}

export { renderSummary };

async function check(ctx: Context, dayArg: string | undefined, idArg: string | undefined, options: { seed?: string }): Promise<number> {
  const workspace = await openWorkspace(ctx);
  const target = inferTarget(workspace.root, process.cwd(), dayArg, idArg);
  if (!target.day) {
    throw new DeLabError(tr({ en: 'Say which day to check.', ko: '어느 날을 검사할지 알려 주세요.' }), { hint: 'de-lab check day4 windowed-counts', code: 'E_USAGE', exitCode: 2 });
  }
  const results = await gradeInStack(ctx, { workspaceRoot: workspace.root, day: target.day, ids: target.id ? [target.id] : undefined, seed: options.seed ? Number(options.seed) : undefined });
  ctx.emit({ workspace: workspace.root, results }, (d) => `\n${renderSummary(d.results)}`);
  return results.every((r) => r.passed) ? 0 : 1;
}

export function register(program: Command): void {
  program
    .command('check [day] [id]')
    .description('Grade your work for an exercise (or a whole day) against the reference, in the running stack')
    .option('--seed <n>', 'data seed (default: the course seed)')
    .addHelpText('after', example(['de-lab check day1 dockerfile-data-tool', 'de-lab check day4', 'cd ~/de-lab/day4/windowed-counts && de-lab check']))
    .action(action(check));
}
