import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { errorMessage } from '../../core/errors.js';
import type { Lab } from '../../course/labs.js';
import type { Limits } from '../../stack/sandbox/containers.js';
import type { GradingSpec } from '../context.js';
import type { ExerciseResult } from '../results.js';
import { gradeExercise } from '../session.js';
import { unpackSubmission, UnsafeSubmission, type ArchiveLimits } from './archive.js';
import {
  totals,
  unrunExercise,
  type CatalogueExercise,
  type GradedExercise,
  type LearnerResult,
  type Overhead,
} from './model.js';
import { detectLayout, fingerprint, type Submission } from './submissions.js';
import {
  closeLearnerStack,
  describeLeftovers,
  learnerProject,
  leftovers,
  openLearnerStack,
  recreateStack,
  reviveResident,
  removeRoleImages,
  type LearnerStack,
} from '../../stack/sandbox/learner-stack.js';

/** What grading any learner of the run needs; shared read-only between parallel graders. */
export interface GradeEnv {
  docker: Dockerode;
  lab: Lab;
  prefix: string;
  seed: number;
  catalogue: CatalogueExercise[];
  specs: Map<string, GradingSpec>;
  /** Reference observations per exercise, made once for the run on first need (never inside a learner's stack). */
  references: { get(id: string): Promise<Record<string, unknown> | undefined> };
  /** Keeps this run's names (projects, image tags) apart from another run's. */
  runToken: string;
  archiveLimits: ArchiveLimits;
  limits?: Partial<Limits>;
  /** Parent folder of the learners' private folders. */
  tmp: string;
  keep?: boolean;
}

/** Longest an exercise may take in all: every step and check at its deadline, plus slack. */
export function exerciseDeadlineSec(spec: GradingSpec): number {
  const steps = spec.steps.reduce((sum, step) => sum + step.timeoutSec + 15, 0);
  const checks = spec.checks.reduce((sum, check) => sum + check.timeoutSec + (check.retry?.untilSec ?? 0), 0);
  return steps + checks + 120;
}

class Deadline extends Error {}

function within<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline(`grading did not finish within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The run's result in the report's terms: points per check and one reason when it could not really run. */
export function toGraded(exercise: CatalogueExercise, result: ExerciseResult): GradedExercise {
  const failedStep = result.steps.find((step) => !step.ok);
  const fault = graderFault(result);
  return {
    id: exercise.id,
    title: exercise.title,
    // The grader's own failure is no grade: an error, shown to the instructor and retried by --resume.
    status: fault ? 'error' : 'graded',
    score: result.score,
    maxScore: result.maxScore,
    passed: result.passed,
    reason: fault ?? (failedStep ? `step ${failedStep.id} failed: ${failedStep.error}` : undefined),
    steps: result.steps,
    checks: result.checks.map((check) => ({ ...check, points: check.status === 'passed' ? check.weight : 0 })),
    seconds: result.seconds,
    containment: result.containment,
  };
}

/**
 * Why a run says nothing about the learner's work, if it does not: a grader-owned step failed, or
 * a check's grader failed on its own (no proper verdict, an empty reference). Undefined when the run is a grade.
 */
export function graderFault(result: ExerciseResult): string | undefined {
  const step = result.steps.find((s) => !s.ok && s.owner === 'grader');
  if (step) return `the grader's own step ${step.id} failed: ${step.error}`;
  const check = result.checks.find((c) => c.status === 'error' && c.graderFault === true);
  if (check) return `the grader of check ${check.id} failed: ${check.message}`;
  return undefined;
}

function base(
  env: GradeEnv,
  submission: Submission,
  print: string,
): Omit<LearnerResult, 'status' | 'score' | 'maxScore' | 'percent' | 'exercises' | 'seconds'> {
  return {
    learner: submission.learner,
    role: submission.role,
    submission: { file: submission.file, format: submission.format, fingerprint: print },
    notes: [],
    seed: env.seed,
    gradedAt: new Date().toISOString(),
  };
}

/** A learner whose submission is refused as a whole: every exercise at 0 with the reason. */
export function rejected(
  env: GradeEnv,
  submission: Submission,
  print: string,
  reason: string,
  started: number,
): LearnerResult {
  const exercises = env.catalogue.map((exercise) =>
    unrunExercise(exercise, 'not-run', `submission rejected: ${reason}`),
  );
  return {
    ...base(env, submission, print),
    status: 'rejected',
    reason,
    ...totals(exercises),
    exercises,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Grades one submission on its own: unpacked into a private folder, its exercise folders moved
 * into the workspace of a private stack started for this learner alone, each exercise run with
 * the container limits, then the stack, its volumes, the learner's images and files removed.
 * Never throws: a rejected, failing, crashing or hanging submission becomes its result.
 */
export async function gradeLearner(
  env: GradeEnv,
  submission: Submission,
  onExercise?: (exercise: string) => void,
): Promise<LearnerResult> {
  const started = Date.now();
  const print = await fingerprint(submission).catch(() => 'unreadable');
  if (submission.problem) return rejected(env, submission, print, submission.problem, started);
  mkdirSync(env.tmp, { recursive: true });
  const root = mkdtempSync(join(env.tmp, `${submission.role}-`));
  const unpacked = join(root, 'unpacked');
  // Shared by reference with the result, so the removal's time (measured last) lands in it too.
  const overhead: Overhead = { openSec: 0, leftoversSec: 0, recreateSec: 0, closeSec: 0 };
  const result = { ...base(env, submission, print), overhead };
  let stack: LearnerStack | undefined;
  try {
    try {
      const unpack = await unpackSubmission(
        { path: submission.path, format: submission.format },
        unpacked,
        env.archiveLimits,
      );
      result.submission.files = unpack.files;
      result.submission.bytes = unpack.bytes;
      const when =
        submission.submittedAt ??
        (unpack.newest
          ? ({ at: unpack.newest, from: submission.format === 'folder' ? 'folder' : 'archive' } as const)
          : undefined);
      if (when) result.submission.submittedAt = when;
      result.notes.push(...unpack.notes);
    } catch (error) {
      if (error instanceof UnsafeSubmission) return rejected(env, submission, print, error.reason, started);
      throw error;
    }
    const layout = detectLayout(
      unpacked,
      env.lab.id,
      env.catalogue.map((e) => e.id),
    );
    result.submission.layout = layout.layout;
    if (layout.found.length === 0) {
      const reason = `no folder for any exercise of ${env.lab.id} (expected ${env.lab.id}/<exercise>/ or <exercise>/ with one of: ${env.catalogue.map((e) => e.id).join(', ')})`;
      const exercises = env.catalogue.map((exercise) => unrunExercise(exercise, 'missing', reason));
      return {
        ...result,
        status: 'graded',
        reason,
        ...totals(exercises),
        exercises,
        seconds: (Date.now() - started) / 1000,
      };
    }
    const opening = Date.now();
    try {
      stack = await openLearnerStack({
        docker: env.docker,
        lab: env.lab,
        prefix: env.prefix,
        project: learnerProject(env.lab.id, submission.role, env.runToken),
        root: join(root, 'stack'),
      });
      overhead.openSec = (Date.now() - opening) / 1000;
      if (stack.resident && !stack.resident.ready)
        result.notes.push(
          `the grader's resident helper in ${env.lab.resident?.service} did not start (${stack.resident.reason}): the steps ran without it, only slower`,
        );
    } catch (error) {
      const reason = `the private ${env.lab.id} stack did not start: ${errorMessage(error)}`;
      const exercises = env.catalogue.map((exercise) => unrunExercise(exercise, 'error', reason));
      return {
        ...result,
        status: 'error',
        reason,
        ...totals(exercises),
        exercises,
        seconds: (Date.now() - started) / 1000,
      };
    }
    const exercises: GradedExercise[] = [];
    const todo = env.catalogue.filter((exercise) => layout.found.includes(exercise.id));
    for (const exercise of env.catalogue) {
      if (!layout.found.includes(exercise.id)) {
        exercises.push(unrunExercise(exercise, 'missing', `the submission has no ${exercise.id} folder`));
        continue;
      }
      onExercise?.(exercise.id);
      exercises.push(
        await gradeOneExercise(
          env,
          submission,
          stack,
          exercise,
          join(layout.base, exercise.id),
          result.notes,
          exercise !== todo[todo.length - 1],
          overhead,
        ),
      );
    }
    const broken = exercises.filter((e) => e.status === 'error');
    const problems = exercises.filter((e) => e.reason && e.status !== 'missing').map((e) => `${e.id}: ${e.reason}`);
    const missing = exercises.filter((e) => e.status === 'missing').map((e) => e.id);
    if (missing.length > 0) problems.push(`missing: ${missing.join(', ')}`);
    return {
      ...result,
      status: broken.length > 0 ? 'error' : 'graded',
      reason: problems.length ? problems.join('; ') : undefined,
      ...totals(exercises),
      exercises,
      seconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    const reason = `the grader failed: ${errorMessage(error)}`;
    const exercises = env.catalogue.map((exercise) => unrunExercise(exercise, 'error', reason));
    return {
      ...result,
      status: 'error',
      reason,
      ...totals(exercises),
      exercises,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    const closing = Date.now();
    if (stack) await closeLearnerStack(env.docker, env.lab, stack, env.keep).catch(() => undefined);
    overhead.closeSec = (Date.now() - closing) / 1000;
    if (!env.keep) {
      await removeRoleImages(env.docker, submission.role).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  }
}

async function gradeOneExercise(
  env: GradeEnv,
  submission: Submission,
  stack: LearnerStack,
  exercise: CatalogueExercise,
  source: string,
  notes: string[],
  more: boolean,
  overhead: Overhead,
): Promise<GradedExercise> {
  const spec = env.specs.get(exercise.id)!;
  let graded: GradedExercise;
  let timedOut = false;
  try {
    const run = gradeExercise({
      docker: env.docker,
      lab: env.lab,
      exercise: exercise.id,
      // Only the exercise's declared files are taken from here, onto a fresh starter copy.
      workdir: source,
      dayDir: stack.dayDir,
      dayProject: stack.project,
      prefix: env.prefix,
      seed: env.seed,
      role: submission.role,
      limits: env.limits,
      // Asked for after the learner's steps: their jobs run while the class's reference is made.
      reference: () => env.references.get(exercise.id),
      portVars: stack.portVars,
      runToken: env.runToken,
    });
    graded = toGraded(exercise, await within(run, exerciseDeadlineSec(spec)));
  } catch (error) {
    timedOut = error instanceof Deadline;
    graded = unrunExercise(exercise, 'error', errorMessage(error));
  }
  // Whatever the run left running or broke is noted, and the stack made new for the next exercise.
  const looking = Date.now();
  const found = await leftovers(env.docker, stack).catch(() => ({ gone: [], strays: [], limited: [] }));
  overhead.leftoversSec += (Date.now() - looking) / 1000;
  notes.push(...describeLeftovers(exercise.id, found));
  if (more && (timedOut || found.gone.length > 0 || found.strays.length > 0 || found.limited.length > 0)) {
    const recreating = Date.now();
    await recreateStack(env.docker, env.lab, stack);
    overhead.recreateSec += (Date.now() - recreating) / 1000;
    notes.push(`${exercise.id}: the private stack was recreated for the next exercise`);
  } else if (more && stack.resident?.ready) {
    const reviving = Date.now();
    const revived = await reviveResident(env.docker, env.lab, stack).catch(() => false);
    overhead.recreateSec += (Date.now() - reviving) / 1000;
    if (revived)
      notes.push(
        `${exercise.id}: the grader's resident helper in ${env.lab.resident?.service} had ended during the run; it was started again for the next exercise`,
      );
  }
  return graded;
}
