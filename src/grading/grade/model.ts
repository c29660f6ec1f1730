import type { Limits } from '../../stack/sandbox/containers.js';
import type { Containment } from '../results.js';

/** The containment that applied to every graded run of the class (a limit that did not apply everywhere is false, not claimed). */
export interface AppliedContainment {
  memoryBytes: number;
  pids: number;
  cpus: number;
  logCapBytes: number;
  timeoutMs: number;
  /** Learner compose files ran with the caps above (true when every one that ran did). */
  composeConfined?: boolean;
  /** Learner image builds were pids-limited (undefined when nobody built an image). */
  buildPidsLimited?: boolean;
}

/** Folds what each exercise run reported into one statement for the class. */
export function appliedContainment(learners: LearnerResult[], limits: Limits): AppliedContainment {
  const runs = learners.flatMap((l) =>
    l.exercises.map((e) => e.containment).filter((c): c is Containment => c !== undefined),
  );
  const composed = runs.filter((c) => c.composeConfined !== undefined);
  const built = runs.filter((c) => c.buildPidsLimited !== undefined);
  return {
    memoryBytes: limits.memoryBytes,
    pids: limits.pids,
    cpus: limits.cpus,
    logCapBytes: runs[0]?.logCapBytes ?? 10 * 1024 * 1024,
    timeoutMs: limits.timeoutMs,
    composeConfined: composed.length ? composed.every((c) => c.composeConfined) : undefined,
    buildPidsLimited: built.length ? built.every((c) => c.buildPidsLimited) : undefined,
  };
}
import type { CheckStatus, StepResult } from '../results.js';
import type { ArchiveLimits, SubmissionFormat } from './archive.js';
import type { ShardInfo } from './shard.js';
import type { Layout } from './submissions.js';
import type { ClassLearner, Deadline } from './class-file.js';
import type { Lateness, SubmittedAt } from './late.js';

/**
 * The one results model of `de-lab grade`: results.json is this object, and every report
 * (terminal table, JUnit XML, gradebook CSV, HTML pages) is rendered from it alone.
 */
/** One engine of a `--engines` run: lost engines name why and the learners they gave back to the queue. */
export interface EngineUse {
  name: string;
  host: string;
  slots: number;
  learners: number;
  /** The day's images before grading: how many were carried to it, how many it had already, how long it took. */
  images?: ImagesOnEngine;
  lost?: string;
  gaveBack?: string[];
}

export interface ImagesOnEngine {
  carried: number;
  same: number;
  seconds: number;
}

export const RESULTS_SCHEMA = 'de-lab/grade-results@1';

export interface CatalogueCheck {
  id: string;
  title: string;
  kind: string;
  weight: number;
}

export interface CatalogueExercise {
  id: string;
  title: string;
  maxScore: number;
  checks: CatalogueCheck[];
}

export interface GradedCheck extends CatalogueCheck {
  status: CheckStatus;
  /** weight when passed, else 0. */
  points: number;
  expected?: string;
  found?: string;
  message?: string;
  seconds: number;
  /** Set in the reports (never in results.json) when an instructor's override applies. */
  override?: AppliedOverride;
}

/** An override as the reports show it: the points before it, and the comment. */
export interface AppliedOverride {
  points: number;
  comment: string;
  at: string;
  was: { status: CheckStatus; points: number };
  /** The check's status or points changed since the override was made (a regrade). */
  changed: boolean;
}

/**
 * graded: its steps and checks ran; missing: the submission has no folder for it;
 * not-run: the submission was rejected; error: the grader itself failed on it.
 */
export type ExerciseStatus = 'graded' | 'missing' | 'not-run' | 'error';

export interface GradedExercise {
  id: string;
  title: string;
  status: ExerciseStatus;
  score: number;
  maxScore: number;
  passed: boolean;
  reason?: string;
  steps: StepResult[];
  checks: GradedCheck[];
  seconds: number;
  /** What really confined this exercise's run. */
  containment?: Containment;
}

/** graded (whatever the score), rejected (unsafe or unreadable submission), error (the grader failed; --resume retries it). */
export type LearnerStatus = 'graded' | 'rejected' | 'error';

export interface LearnerResult {
  learner: string;
  role: string;
  submission: {
    file: string;
    format: SubmissionFormat;
    fingerprint: string;
    layout?: Layout;
    files?: number;
    bytes?: number;
    /** When it was submitted: the newest entry, or the commit time a collector gave. */
    submittedAt?: SubmittedAt;
  };
  /** Set when the class file has a deadline for the day. */
  late?: Lateness;
  /** In the reports: the score before the late penalty, and the penalty (score is after it). */
  rawScore?: number;
  penalty?: number;
  status: LearnerStatus;
  reason?: string;
  /** What the grader noticed and did: stray processes, a recreated stack, dropped links. */
  notes: string[];
  seed: number;
  score: number;
  maxScore: number;
  percent: number;
  exercises: GradedExercise[];
  gradedAt: string;
  seconds: number;
  /** Which private stack graded it (1-based). */
  worker?: number;
  /** The engine of --engines that graded this learner (absent: the one engine de-lab uses). */
  engine?: string;
  /** Seconds spent around the exercises: the private stack's start, the look for leftovers after each exercise, stacks recreated because of them, and the removal (filled in when it is done). */
  overhead?: Overhead;
}

export interface Overhead {
  openSec: number;
  leftoversSec: number;
  recreateSec: number;
  closeSec: number;
}

export interface CheckStat {
  exercise: string;
  check: string;
  title: string;
  passed: number;
  total: number;
  rate: number;
}

export interface GradeStats {
  learners: number;
  graded: number;
  rejected: number;
  errors: number;
  /** Over every learner, rejected ones counting 0. */
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Learners per 10 % band of the total score: [0,10), [10,20) … [90,100]. */
  distribution: Array<{ from: number; to: number; count: number }>;
  /** Per check, over the graded learners. */
  checks: CheckStat[];
}

export interface GradeResults {
  schema: typeof RESULTS_SCHEMA;
  deLab: string;
  day: { id: string; title: string };
  seed: number;
  /** True when the seed is the course seed that learners used too. */
  courseSeed: boolean;
  submissions: string;
  out: string;
  startedAt: string;
  finishedAt: string;
  /** Wall-clock seconds of the last run into this folder. */
  seconds: number;
  parallel: number;
  /** Archive limits, and the containment that really applied to the learners' work (nothing is claimed that did not). */
  limits: { archive: ArchiveLimits; applied: AppliedContainment };
  exercises: CatalogueExercise[];
  maxScore: number;
  learners: LearnerResult[];
  stats: GradeStats;
  /** Set when this run graded one shard of the class (`--shard K/N`). */
  shard?: ShardInfo;
  /** --engines: each engine of the pool, how many learners it graded in this run, and whether it was lost. */
  engines?: EngineUse[];
  /** Set when these results were put together by `grade merge` from the shards' folders. */
  merged?: { from: Array<{ out: string; shard: string; learners: number }>; missingShards: string[] };
  /** The class file used (learners for LMS exports, the deadline of the day). */
  class?: { file: string; learners: ClassLearner[]; deadline?: Deadline };
}

/** True when a late penalty or an override touches any learner: reports then show raw score and penalty. */
export function isAdjusted(results: GradeResults): boolean {
  return results.learners.some(
    (l) => l.late !== undefined || l.exercises.some((e) => e.checks.some((c) => c.override)),
  );
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function percentOf(score: number, max: number): number {
  return max > 0 ? round((score / max) * 100, 1) : 0;
}

/** An exercise that did not run, with every check of the catalogue at 0 points and the reason. */
export function unrunExercise(
  exercise: CatalogueExercise,
  status: Exclude<ExerciseStatus, 'graded'>,
  reason: string,
): GradedExercise {
  return {
    id: exercise.id,
    title: exercise.title,
    status,
    score: 0,
    maxScore: exercise.maxScore,
    passed: false,
    reason,
    steps: [],
    checks: exercise.checks.map((check) => ({
      ...check,
      status: status === 'error' ? 'error' : 'skipped',
      points: 0,
      message: reason,
      seconds: 0,
    })),
    seconds: 0,
  };
}

export function totals(exercises: GradedExercise[]): { score: number; maxScore: number; percent: number } {
  const score = round(exercises.reduce((sum, e) => sum + e.score, 0));
  const maxScore = round(exercises.reduce((sum, e) => sum + e.maxScore, 0));
  return { score, maxScore, percent: percentOf(score, maxScore) };
}

export function computeStats(exercises: CatalogueExercise[], learners: LearnerResult[]): GradeStats {
  const scores = learners.map((l) => l.score).sort((a, b) => a - b);
  const median =
    scores.length === 0
      ? 0
      : scores.length % 2
        ? scores[(scores.length - 1) / 2]!
        : (scores[scores.length / 2 - 1]! + scores[scores.length / 2]!) / 2;
  // Ten bands below full marks ([from, to)), then full marks on their own: 100 % is not "90 and up".
  const distribution = [
    ...Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: (i + 1) * 10, count: 0 })),
    { from: 100, to: 100, count: 0 },
  ];
  for (const learner of learners)
    distribution[learner.percent >= 100 ? 10 : Math.min(9, Math.floor(learner.percent / 10))]!.count += 1;
  const graded = learners.filter((l) => l.status === 'graded');
  const checks: CheckStat[] = [];
  for (const exercise of exercises) {
    for (const check of exercise.checks) {
      const passed = graded.filter(
        (l) =>
          l.exercises.find((e) => e.id === exercise.id)?.checks.find((c) => c.id === check.id)?.status === 'passed',
      ).length;
      checks.push({
        exercise: exercise.id,
        check: check.id,
        title: check.title,
        passed,
        total: graded.length,
        rate: graded.length ? round(passed / graded.length, 4) : 0,
      });
    }
  }
  return {
    learners: learners.length,
    graded: graded.length,
    rejected: learners.filter((l) => l.status === 'rejected').length,
    errors: learners.filter((l) => l.status === 'error').length,
    mean: scores.length ? round(scores.reduce((a, b) => a + b, 0) / scores.length) : 0,
    median: round(median),
    min: scores[0] ?? 0,
    max: scores[scores.length - 1] ?? 0,
    distribution,
    checks,
  };
}
