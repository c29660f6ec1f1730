import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { tr } from '../../i18n/lang.js';
import type { Lab } from '../../course/labs.js';
import { loadExercises } from '../../course/exercises.js';
import { DEFAULT_LIMITS, type Limits } from '../../stack/sandbox/containers.js';
import type { GradingSpec } from '../context.js';
import { needsReference, readCachedReference, referenceKey } from '../runner.js';
import { courseSeed } from '../../course/seed.js';
import { referenceObservations } from '../session.js';
import { loadGradingSpec } from '../spec.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive.js';
import type { GradeEnv } from './learner.js';
import {
  appliedContainment,
  computeStats,
  RESULTS_SCHEMA,
  type CatalogueExercise,
  type GradeResults,
  type LearnerResult,
} from './model.js';
import { capParallel, planRun, resolveSeed } from './plan.js';
import { writeReports, type ReportFiles } from './reports.js';
import { shardOf, type Shard, type ShardInfo } from './shard.js';
import type { ClassFile } from './class-file.js';
import { classSummary, withLateness } from './class-late.js';
import type { Override } from './overrides.js';
import { ResultStore, RUN_SCHEMA } from './store.js';
import { findSubmissions, fingerprint, type Submission } from './submissions.js';
import {
  closeLearnerStack,
  GRADE_PROJECT_PREFIX,
  learnerProject,
  openLearnerStack,
  type LearnerStack,
} from '../../stack/sandbox/learner-stack.js';
import { randomBytes } from 'node:crypto';
import { gradeFromQueue, type GradingEngine, type QueueEvent } from './queue-run.js';
import type { EngineUse, ImagesOnEngine } from './model.js';
import { mirrorOf } from '../../stack/engines/mirror.js';

export type GradeEvent =
  | {
      type: 'plan';
      total: number;
      todo: number;
      kept: number;
      parallel: number;
      requested: number;
      cap: number;
      engineMemoryBytes: number;
      perLearnerBytes: number;
    }
  | { type: 'reference'; exercise: string }
  | QueueEvent;

export interface GradeClassInput {
  docker: Dockerode;
  lab: Lab;
  prefix: string;
  submissions: string;
  out: string;
  parallel: number;
  /** --engines: the pool learners are graded on (replaces parallel); references stay on `docker`. */
  engines?: Array<GradingEngine & { host: string; images?: ImagesOnEngine }>;
  resume?: boolean;
  only?: string;
  seed?: number;
  keep?: boolean;
  /** Grade only this shard of the class (`--shard K/N`). */
  shard?: Shard;
  deLabVersion: string;
  archiveLimits?: ArchiveLimits;
  limits?: Partial<Limits>;
  /** Stops taking new learners; those in flight finish and are stored. */
  signal?: AbortSignal;
  onEvent?: (event: GradeEvent) => void;
  /** class.yaml: the day's deadline and late policy, the learners' LMS ids. */
  /** Learner → the time its work was handed in (the collected commit's time, from git). */
  submittedAt?: Record<string, string>;
  classFile?: ClassFile;
}

export interface GradeClassOutput {
  /** The final view (overrides and late penalties applied); results.json holds the raw results. */
  results: GradeResults;
  files: ReportFiles;
  /** Overrides whose check changed since they were made, and those no longer matching a check. */
  overrides: { changed: Override[]; orphaned: Override[] };
  /** Learners graded by this invocation. */
  graded: string[];
  interrupted: boolean;
  /** Learners left ungraded because every engine was lost before their turn (graded by --resume). */
  ungraded: string[];
}

/** The exercises of the day with their checks: the columns of every report, whatever a learner sent. */
export function catalogueOf(lab: Lab): { catalogue: CatalogueExercise[]; specs: Map<string, GradingSpec> } {
  const specs = new Map<string, GradingSpec>();
  const catalogue = loadExercises(lab).map((exercise) => {
    const spec = loadGradingSpec(lab, exercise.id);
    specs.set(exercise.id, spec);
    const checks = spec.checks.map((check) => ({
      id: check.id,
      title: tr(check.title),
      kind: check.kind,
      weight: check.weight,
    }));
    return {
      id: exercise.id,
      title: tr(exercise.title),
      maxScore: checks.reduce((sum, c) => sum + c.weight, 0),
      checks,
    };
  });
  return { catalogue, specs };
}

/**
 * The reference solution's observations, made on first need (an exercise nobody submitted costs
 * nothing), once per seed, in a private stack of their own, and cached in the output folder, where
 * no learner's container reaches. Parallel graders that need one at once wait for the same run.
 */
export class ReferencePool {
  private stack?: Promise<LearnerStack>;
  private readonly made = new Map<string, Promise<Record<string, unknown> | undefined>>();
  /** Exercises whose reference run has ended (made, failed or read from the cache). */
  private readonly done = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: GradeClassInput,
    private readonly store: ResultStore,
    private readonly specs: Map<string, GradingSpec>,
    private readonly seed: number,
    private readonly tmp: string,
    private readonly runToken: string,
  ) {}

  get(id: string): Promise<Record<string, unknown> | undefined> {
    let made = this.made.get(id);
    if (!made) {
      made = this.make(id);
      this.made.set(id, made);
    }
    return made;
  }

  private async make(id: string): Promise<Record<string, unknown> | undefined> {
    const spec = this.specs.get(id)!;
    if (!needsReference(spec)) return undefined;
    const cached = readCachedReference(this.store.referenceFile(id, this.seed), referenceKey(spec, this.seed));
    if (cached) {
      this.done.add(id);
      return cached;
    }
    // One reference run at a time: they share one stack.
    const run = this.queue.then(async () => {
      const { input } = this;
      this.stack ??= openLearnerStack({
        docker: input.docker,
        lab: input.lab,
        prefix: input.prefix,
        project: learnerProject(input.lab.id, 'reference', this.runToken),
        root: mkdtempSync(join(this.tmp, 'reference-')),
      });
      const stack = await this.stack;
      input.onEvent?.({ type: 'reference', exercise: id });
      const common = {
        docker: input.docker,
        lab: input.lab,
        exercise: id,
        workdir: join(spec.dir, 'solution'),
        dayDir: stack.dayDir,
        dayProject: stack.project,
        prefix: input.prefix,
        seed: this.seed,
        limits: input.limits,
        portVars: stack.portVars,
        runToken: this.runToken,
      };
      return referenceObservations(common, this.store.referenceFile(id, this.seed));
    });
    // Once every exercise that needs a reference has one, its stack goes: left up, its services
    // (Kafka, a warm Spark driver, Druid…) held memory and burnt CPU idle while the class was graded.
    this.queue = run
      .catch(() => undefined)
      .then(async () => {
        this.done.add(id);
        if (this.allMade()) await this.close();
      });
    return run;
  }

  /** Whether every exercise of the day that needs a reference has had its run (or its cache). */
  private allMade(): boolean {
    return [...this.specs].every(([id, spec]) => this.done.has(id) || !needsReference(spec));
  }

  /** Removes the references' stack (a later need opens a new one); waits for a removal under way. */
  async close(): Promise<void> {
    const opened = this.stack;
    this.stack = undefined;
    if (opened) {
      this.closing = this.closing
        .then(async () => {
          const stack = await opened.catch(() => undefined);
          if (stack) await closeLearnerStack(this.input.docker, this.input.lab, stack, this.input.keep);
        })
        .catch(() => undefined);
    }
    await this.closing;
  }
}

/** What each engine of --engines did in this invocation, for results.json. */
function engineUse(
  engines: Array<GradingEngine & { host: string; images?: ImagesOnEngine }>,
  queue: Awaited<ReturnType<typeof gradeFromQueue>> | undefined,
): EngineUse[] {
  return engines.map((e) => {
    const lost = queue?.lost.find((l) => l.engine === e.name);
    const gaveBack = queue?.requeued.filter((r) => r.engine === e.name).map((r) => r.learner) ?? [];
    return {
      name: e.name,
      host: e.host,
      slots: e.slots,
      learners: queue?.counts.get(e.name) ?? 0,
      ...(e.images ? { images: e.images } : {}),
      ...(lost ? { lost: lost.reason, gaveBack } : {}),
    };
  });
}

/** Assembles results.json from the stored learners: the one model every report is drawn from. */
export function assemble(input: {
  lab: Lab;
  seed: number;
  submissions: Submission[];
  store: ResultStore;
  catalogue: CatalogueExercise[];
  startedAt: string;
  started: number;
  parallel: number;
  version: string;
  submissionsDir: string;
  archiveLimits: ArchiveLimits;
  limits: Limits;
  shard?: ShardInfo;
  classFile?: ClassFile;
  engines?: EngineUse[];
}): GradeResults {
  const learners = input.submissions
    .map((s) => input.store.load(s.role))
    .filter((r): r is LearnerResult => r !== undefined && r.seed === input.seed)
    .map((r) => withLateness(r, input.lab.id, input.classFile));
  return {
    schema: RESULTS_SCHEMA,
    deLab: input.version,
    day: { id: input.lab.id, title: tr(input.lab.title) },
    seed: input.seed,
    courseSeed: input.seed === courseSeed(),
    submissions: input.submissionsDir,
    out: input.store.dir,
    startedAt: input.startedAt,
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - input.started) / 100) / 10,
    parallel: input.parallel,
    limits: { archive: input.archiveLimits, applied: appliedContainment(learners, input.limits) },
    exercises: input.catalogue,
    maxScore: input.catalogue.reduce((sum, e) => sum + e.maxScore, 0),
    learners,
    stats: computeStats(input.catalogue, learners),
    ...(input.shard ? { shard: input.shard } : {}),
    ...(input.engines ? { engines: input.engines } : {}),
    ...(input.classFile ? { class: classSummary(input.classFile, input.lab.id) } : {}),
  };
}

/** `de-lab grade`: every submission of a folder, each on its own, results stored as they come. */
export async function gradeClass(input: GradeClassInput): Promise<GradeClassOutput> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const store = new ResultStore(input.out);
  const submissionsDir = resolve(input.submissions);
  const sharded = input.shard ? shardOf(findSubmissions(submissionsDir), input.shard) : undefined;
  const submissions = (sharded?.part ?? findSubmissions(submissionsDir)).map((s) => {
    const at = input.submittedAt?.[s.learner];
    return at ? { ...s, submittedAt: { at, from: 'commit' as const } } : s;
  });
  const { catalogue, specs } = catalogueOf(input.lab);
  const seed = resolveSeed({
    day: input.lab.id,
    requested: input.seed,
    meta: store.readMeta(),
    hasResults: store.roles().length > 0,
    resume: input.resume === true,
    only: input.only,
    out: store.dir,
  });
  const stored = new Map(
    submissions
      .map((s) => [s.role, store.load(s.role)] as const)
      .filter((e): e is [string, LearnerResult] => e[1] !== undefined),
  );
  const fingerprints = new Map(
    await Promise.all(submissions.map(async (s) => [s.role, await fingerprint(s).catch(() => 'unreadable')] as const)),
  );
  const plan = planRun({ submissions, stored, fingerprints, seed, resume: input.resume === true, only: input.only });
  const limits = { ...DEFAULT_LIMITS, ...input.limits };
  const archiveLimits = input.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS;
  const engineMemoryBytes = Number((await input.docker.info().catch(() => ({})))?.MemTotal ?? 0);
  const cap = capParallel(input.parallel, engineMemoryBytes, input.lab.memoryMiB, limits.memoryBytes);
  const pool: GradingEngine[] = input.engines ?? [{ name: 'default', docker: input.docker, slots: cap.parallel }];
  const slots = pool.reduce((sum, e) => sum + e.slots, 0);
  const parallel = Math.min(input.engines ? slots : cap.parallel, Math.max(1, plan.todo.length));
  input.onEvent?.({
    type: 'plan',
    total: submissions.length,
    todo: plan.todo.length,
    kept: plan.kept.length,
    parallel,
    requested: input.parallel,
    cap: cap.cap,
    engineMemoryBytes,
    perLearnerBytes: cap.perLearnerBytes,
  });

  store.open({
    schema: RUN_SCHEMA,
    day: input.lab.id,
    seed,
    submissions: submissionsDir,
    startedAt: store.readMeta()?.startedAt ?? startedAt,
  });
  const tmp = mkdtempSync(join(tmpdir(), `${GRADE_PROJECT_PREFIX}-${input.lab.id}-`));
  const graded: string[] = [];
  const runToken = randomBytes(2).toString('hex');
  const references = new ReferencePool(input, store, specs, seed, tmp, runToken);
  let queue: Awaited<ReturnType<typeof gradeFromQueue>> | undefined;
  try {
    if (plan.todo.length > 0) {
      const env: GradeEnv = {
        docker: input.docker,
        lab: input.lab,
        prefix: input.prefix,
        seed,
        catalogue,
        specs,
        references,
        archiveLimits,
        limits: input.limits,
        tmp,
        keep: input.keep,
        runToken,
      };
      queue = await gradeFromQueue({
        env,
        engines: pool,
        recorded: input.engines !== undefined,
        todo: plan.todo,
        store,
        graded,
        signal: input.signal,
        onEvent: input.onEvent,
      });
    }
    const results = assemble({
      lab: input.lab,
      seed,
      submissions,
      store,
      catalogue,
      startedAt,
      started,
      parallel,
      version: input.deLabVersion,
      submissionsDir,
      archiveLimits,
      limits,
      shard: sharded?.info,
      classFile: input.classFile,
      engines: input.engines && engineUse(input.engines, queue),
    });
    const { files, view } = writeReports(results, store.dir);
    return {
      results: view.results,
      files,
      overrides: { changed: view.changed, orphaned: view.orphaned },
      graded,
      interrupted: input.signal?.aborted === true && graded.length < plan.todo.length,
      ungraded: queue?.left.map((s) => s.learner) ?? [],
    };
  } finally {
    await references.close().catch(() => undefined);
    store.close();
    rmSync(tmp, { recursive: true, force: true });
    // Engines that graded on a copy of the folders (engines/mirror.ts) drop what is left of it.
    for (const engine of input.engines ?? [])
      await mirrorOf(engine.docker)
        ?.forget(tmp)
        .catch(() => undefined);
  }
}
