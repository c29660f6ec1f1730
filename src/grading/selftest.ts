import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { errorMessage } from '../core/errors.js';
import type { Lab } from '../course/labs.js';
import { composeDown } from './steps.js';
import { cliEnv } from '../stack/engines/cli-env.js';
import type { CheckResult, ExerciseResult, StepResult } from './results.js';
import { toCrlf } from './line-endings.js';
import { gradeExercise, runReference, startPrivateStack } from './session.js';
import { needsReference } from './runner.js';
import { loadGradingSpec } from './spec.js';

export interface SelftestRow {
  day: string;
  exercise: string;
  starter?: { passed: boolean; score: number; maxScore: number; failing: string[] };
  solution?: { passed: boolean; score: number; maxScore: number; failing: string[] };
  /** ok: starter fails and solution passes. */
  verdict: 'ok' | 'violation' | 'error' | 'skipped';
  reason?: string;
  seconds: number;
}

/** The exercise ids of a day, in manifest order (or folder order when the manifest lists none). */
export function exerciseIds(lab: Lab): string[] {
  const listed = (lab.exercises as unknown[]).filter((id): id is string => typeof id === 'string');
  if (listed.length > 0) return listed;
  const dir = join(lab.dir, 'exercises');
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
}

function summary(result: ExerciseResult) {
  return {
    passed: result.passed,
    score: result.score,
    maxScore: result.maxScore,
    failing: result.checks
      .filter((c) => c.status !== 'passed')
      .map((c) => `${c.id} (${c.status}${c.found ? `: ${c.found}` : c.message ? `: ${c.message}` : ''})`),
  };
}

/**
 * Proves a day's exercises: in a private stack with no host ports, every starter must fail at
 * least one check and every reference solution must pass them all.
 */
export async function selftestDay(input: {
  docker: Dockerode;
  lab: Lab;
  prefix: string;
  seed?: number;
  only?: string[];
  keep?: boolean;
  /** Grade copies of the starter and the solution with Windows (CRLF) line endings. */
  crlf?: boolean;
  /** Run the solution as a submission too, after its run as the reference (two runs, compared). */
  twice?: boolean;
  onRow?: (row: SelftestRow) => void;
  onProgress?: (event: { exercise: string; role: string; step?: StepResult; check?: CheckResult }) => void;
}): Promise<SelftestRow[]> {
  // A token of its own: two selftests of one day at once (or a selftest beside a grade run) never share a project.
  const runToken = randomBytes(2).toString('hex');
  const project = `de-lab-selftest-${input.lab.id}-${runToken}`;
  const ids = exerciseIds(input.lab).filter((id) => !input.only || input.only.includes(id));
  const rows: SelftestRow[] = [];
  await composeDown(project, cliEnv(input.docker));
  const stack = await startPrivateStack({ docker: input.docker, lab: input.lab, project, prefix: input.prefix });
  try {
    for (const exercise of ids) {
      const started = Date.now();
      const row: SelftestRow = { day: input.lab.id, exercise, verdict: 'error', seconds: 0 };
      try {
        const results: Partial<Record<'starter' | 'solution', ExerciseResult>> = {};
        const session = {
          docker: input.docker,
          lab: input.lab,
          exercise,
          dayDir: stack.dayDir,
          dayProject: project,
          prefix: input.prefix,
          seed: input.seed,
          portVars: stack.portVars,
          runToken,
          keepScratch: input.keep,
          onStep: (step: StepResult & { role: string }) => input.onProgress?.({ exercise, role: step.role, step }),
          onCheck: (check: CheckResult & { role: string }) => input.onProgress?.({ exercise, role: check.role, check }),
        };
        // The reference run is the solution's own result: the checks that compare with the reference
        // observe it, all others judge it. Runs the solution once, not twice (--twice: once more as a
        // submission, which shows a reference whose output changes from run to run).
        const once = !input.crlf && !input.twice && needsReference(loadGradingSpec(input.lab, exercise));
        if (once) {
          const own = join(input.lab.dir, 'exercises', exercise, 'solution');
          results.solution = (await runReference({ ...session, workdir: own })).result;
        }
        for (const role of once ? (['starter'] as const) : (['starter', 'solution'] as const)) {
          if (role === 'starter' && once && !results.solution!.passed) break;
          // gradeExercise takes the declared files from here onto a fresh copy of the starter.
          const own = join(input.lab.dir, 'exercises', exercise, role);
          const workdir = input.crlf ? crlfCopy(own, join(stack.root, `crlf-${exercise}-${role}`)) : own;
          results[role] = await gradeExercise({
            docker: input.docker,
            lab: input.lab,
            exercise,
            workdir,
            dayDir: stack.dayDir,
            dayProject: project,
            prefix: input.prefix,
            seed: input.seed,
            role,
            portVars: stack.portVars,
            runToken,
            keepScratch: input.keep,
            onStep: (step) => input.onProgress?.({ exercise, role: step.role, step }),
            onCheck: (check) => input.onProgress?.({ exercise, role: check.role, check }),
          });
        }
        if (results.starter) row.starter = summary(results.starter);
        row.solution = summary(results.solution!);
        const starterFails = results.starter !== undefined && !results.starter.passed;
        const solutionPasses = results.solution!.passed;
        row.verdict = starterFails && solutionPasses ? 'ok' : 'violation';
        if (!solutionPasses && !results.starter)
          row.reason = `the solution fails: ${row.solution.failing.join('; ')} (the starter was not run)`;
        else if (!starterFails) row.reason = 'the starter passes every check';
        else if (!solutionPasses) row.reason = `the solution fails: ${row.solution.failing.join('; ')}`;
      } catch (error) {
        row.verdict = 'error';
        row.reason = errorMessage(error);
      }
      row.seconds = Math.round((Date.now() - started) / 100) / 10;
      rows.push(row);
      input.onRow?.(row);
    }
  } finally {
    if (!input.keep) {
      await composeDown(project, cliEnv(input.docker));
      rmSync(stack.root, { recursive: true, force: true });
    }
  }
  return rows;
}

/** A copy of `from` with every text file's line endings made CRLF (as a Windows editor saves them). */
export function crlfCopy(from: string, to: string): string {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) crlfCopy(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile()) writeFileSync(join(to, entry.name), toCrlf(readFileSync(join(from, entry.name))));
  }
  return to;
}
