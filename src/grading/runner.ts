import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropEscapingLinks, openForContainers } from '../stack/sandbox/folders.js';
import type Dockerode from 'dockerode';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { DEFAULT_LIMITS, execService, type Limits } from '../stack/sandbox/containers.js';
import { makeVars, type GradingSpec, type RunContext } from './context.js';
import { kindOf } from './kinds/index.js';
import { score, type CheckResult, type ExerciseResult, type StepResult } from './results.js';
import { fillDeep } from './template.js';
import { GraderFault } from './verdict.js';
import { runStep } from './steps.js';
import { mapCheck, mapStep, pathMapper } from './learner-paths.js';
import { composeDown, dayPortVars } from '../stack/sandbox/private-stack.js';
import { removeImagesInTurn } from '../stack/sandbox/image-lock.js';
import { cliEnv } from '../stack/engines/cli-env.js';
import { mirrorOf } from '../stack/engines/mirror.js';

export { dropEscapingLinks, openForContainers };
import type { Check, Step } from './schema.js';

/** Reference observations by check id, given or made on demand. */
export type Reference = Record<string, unknown> | (() => Promise<Record<string, unknown> | undefined>);

export interface RunInput {
  docker: Dockerode;
  lab: Lab;
  spec: GradingSpec;
  role: string;
  seed: number;
  workdir: string;
  dayDir: string;
  dayProject: string;
  prefix: string;
  limits?: Partial<Limits>;
  /**
   * Observations of the reference run, by check id; or how to get them, asked for only once the
   * steps are done (so a learner's own jobs run while the reference of the class is still made).
   */
  reference?: Reference;
  portVars?: Record<string, string>;
  runToken?: string;
  onStep?: (step: StepResult) => void;
  onCheck?: (check: CheckResult) => void;
  /** Called when a step or check begins (for progress displays). */
  onBegin?: (event: { type: 'step' | 'check'; id: string; title: string }) => void;
  signal?: AbortSignal;
}

export class RunAborted extends Error {
  constructor() {
    super('the check was stopped');
  }
}

/** The work, or RunAborted as soon as the signal fires (the work's own commands are stopped through the signal too). */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new RunAborted());
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new RunAborted());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // The listener goes when the work settles: one per step and check would pile up on the run's
  // signal (Node warns of a leak after ten, on the learner's terminal).
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function withTimeout<T>(promise: Promise<T>, seconds: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${seconds} s`)), seconds * 1000).unref(),
    ),
  ]);
}

async function evaluate(
  ctx: RunContext,
  check: Check,
  reference: unknown,
): Promise<{
  status: 'passed' | 'failed' | 'error';
  expected?: string;
  found?: string;
  message?: string;
  observed?: unknown;
  graderFault?: boolean;
  measured?: string;
  url?: string;
}> {
  const kind = kindOf(check);
  const deadline = Date.now() + (check.retry?.untilSec ?? 0) * 1000;
  let previous: { text: string; since: number } | undefined;
  for (;;) {
    let observed: unknown;
    try {
      dropEscapingLinks(ctx.workdir);
      observed = await withTimeout(kind.observe(ctx, check), check.timeoutSec);
    } catch (error) {
      if (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, (check.retry?.everySec ?? 2) * 1000));
        continue;
      }
      return { status: 'error', message: errorMessage(error), graderFault: error instanceof GraderFault };
    }
    // The reference run records what it observes, and is judged against itself: evidence that is
    // empty or fails the check's other expectations fails the reference here (selftest takes this
    // run as the solution's result), not every later comparison with it.
    const own = ctx.role === 'reference' && reference === undefined && kind.needsReference(check);
    let verdict: ReturnType<typeof kind.judge>;
    try {
      verdict = kind.judge(check, observed, own ? observed : reference);
    } catch (error) {
      // A judge that throws (deep recursion, a check module's bug) fails this check only.
      if (error instanceof GraderFault) return { status: 'error', message: error.message, graderFault: true, observed };
      return { status: 'error', message: `judging failed: ${errorMessage(error)}`, observed };
    }
    const text = JSON.stringify(observed) ?? '';
    if (previous?.text !== text) previous = { text, since: Date.now() };
    if (
      verdict.ok ||
      Date.now() >= deadline ||
      kind.settled?.(check, observed) ||
      answersWrongSteadily(check, observed, Date.now() - previous.since)
    )
      return {
        status: verdict.ok ? 'passed' : 'failed',
        expected: verdict.expected,
        found: verdict.found,
        observed,
        ...(verdict.measured ? { measured: verdict.measured } : {}),
        ...(verdict.url ? { url: verdict.url } : {}),
      };
    await new Promise((resolve) => setTimeout(resolve, (check.retry?.everySec ?? 2) * 1000));
  }
}

/**
 * A service that answers, and keeps giving the same wrong answer for a while, will not change its
 * mind: a failing check stops waiting then instead of at its deadline (a starter's check fails in
 * seconds, not in a minute). A command that fails to run, or an HTTP request that gets no answer,
 * is not an answer: those keep being retried.
 */
export const STEADY_WRONG_MS = 8000;

function answersWrongSteadily(check: Check, observed: unknown, unchangedMs: number): boolean {
  if (unchangedMs < STEADY_WRONG_MS) return false;
  const o = observed as { exitCode?: number; timedOut?: boolean; status?: number; error?: string };
  if (check.kind === 'command') return o.exitCode === 0 && !o.timedOut;
  if (check.kind === 'http') return typeof o.status === 'number' && o.status > 0 && !o.error;
  return false;
}

/** The host port of a {published:N} placeholder that no compose file filled in. */
function unpublished(check: Check): string | undefined {
  return /\{published:(\d+)\}/.exec(JSON.stringify(check))?.[1];
}

/**
 * The `finally` steps (cleaning up what the run made in the stack), after the checks, even after
 * Ctrl-C: without the run's abort signal, each bounded by its own timeout. Returns notes for failures.
 */
async function runFinallySteps(ctx: RunContext, spec: GradingSpec): Promise<string[]> {
  const notes: string[] = [];
  for (const step of spec.steps.filter((s) => s.finally)) {
    const result = await runStep({ ...ctx, signal: undefined }, step).catch((error: unknown) => ({
      ok: false,
      error: errorMessage(error),
    }));
    if (!result.ok)
      notes.push(
        tr({
          en: `clean-up step ${step.id} failed (${result.error}); what it removes may still be in the stack`,
          ko: `정리 단계 ${step.id} 실패(${result.error}). 지우려던 것이 스택에 남아 있을 수 있음`,
        }),
      );
  }
  return notes;
}

/** One run of an exercise's steps and checks against one folder of files. Never throws for the learner's faults. */
/**
 * A step on an engine of another machine (engines/mirror.ts): the scratch copy goes to the engine
 * first, and what the step wrote there comes back, so the checks read the same files either way.
 */
async function carriedStep(ctx: RunContext, step: Step): Promise<StepResult> {
  const mirror = mirrorOf(ctx.docker);
  if (!mirror) return runStep(ctx, step);
  await mirror.push(ctx.workdir);
  try {
    return await runStep(ctx, step);
  } finally {
    await mirror.pull(ctx.workdir, 'scratch');
  }
}

export async function runExercise(
  input: RunInput,
): Promise<{ result: ExerciseResult; observations: Record<string, unknown> }> {
  const started = Date.now();
  const ctx: RunContext = {
    docker: input.docker,
    lab: input.lab,
    spec: input.spec,
    role: input.role,
    seed: input.seed,
    workdir: input.workdir,
    dayDir: input.dayDir,
    dayProject: input.dayProject,
    prefix: input.prefix,
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    vars: makeVars({
      lab: input.lab,
      exercise: input.spec.exercise,
      role: input.role,
      seed: input.seed,
      workdir: input.workdir,
      dayDir: input.dayDir,
      dayProject: input.dayProject,
      prefix: input.prefix,
      unique: randomBytes(4).toString('hex'),
      portVars: input.portVars ?? dayPortVars(input.lab),
      runToken: input.runToken,
    }),
    composeProjects: new Set(),
    memo: new Map(),
    background: new Map(),
    portRequests: [],
    signal: input.signal,
    privateDir: mkdtempSync(join(tmpdir(), 'de-lab-run-')),
    builtImages: new Set(),
    containment: { memoryBytes: 0, pids: 0, cpus: 0, logCapBytes: 0 },
  };
  const limits = ctx.limits;
  ctx.containment = {
    memoryBytes: limits.memoryBytes,
    pids: limits.pids,
    cpus: limits.cpus,
    logCapBytes: 10 * 1024 * 1024,
  };
  openForContainers(input.workdir);
  // Paths in messages as the learner knows them (day3/partitions/…), not the scratch copy's.
  const shown = pathMapper([ctx.vars.mount!, input.workdir], `${input.lab.id}/${input.spec.exercise}`);
  const steps: StepResult[] = [];
  const checks: CheckResult[] = [];
  const observations: Record<string, unknown> = {};
  const notes: string[] = [];
  let failedStep: StepResult | undefined;
  try {
    for (const step of input.spec.steps.filter((s) => !s.finally)) {
      input.onBegin?.({ type: 'step', id: step.id, title: step.title ? tr(step.title) : step.id });
      const result = mapStep(await abortable(carriedStep(ctx, step), input.signal), shown);
      steps.push(result);
      input.onStep?.(result);
      if (!result.ok) {
        failedStep = result;
        break;
      }
    }
    const status = new Map<string, CheckResult['status']>();
    const reference =
      typeof input.reference === 'function' ? await abortable(input.reference(), input.signal) : input.reference;
    for (const raw of input.spec.checks) {
      const check = fillDeep(raw, ctx.vars);
      const base = { id: check.id, title: tr(check.title), kind: check.kind, weight: check.weight };
      const checkStarted = Date.now();
      let result: CheckResult;
      const blocked = check.dependsOn.find((id) => status.get(id) !== 'passed');
      if (failedStep) {
        result = {
          ...base,
          status: 'skipped',
          seconds: 0,
          message: tr({
            en: `not checked: step ${failedStep.id} failed (${failedStep.error})`,
            ko: `검사 안 함: 단계 ${failedStep.id} 실패 (${failedStep.error})`,
          }),
        };
      } else if (blocked) {
        result = {
          ...base,
          status: 'skipped',
          seconds: 0,
          message: tr({
            en: `not checked: it needs "${blocked}", which did not pass`,
            ko: `검사 안 함: 먼저 통과해야 하는 "${blocked}"가 통과하지 못함`,
          }),
        };
      } else if (unpublished(check)) {
        // A URL with {published:N} left in it: nothing the learner's file published answers there, and no retry can change that.
        const port = unpublished(check)!;
        result = {
          ...base,
          status: 'failed',
          seconds: 0,
          expected: tr({ en: `something published on host port ${port}`, ko: `호스트 포트 ${port}에 공개된 것` }),
          found: tr({ en: `nothing is published on ${port}`, ko: `${port}에 공개된 것이 없음` }),
        };
      } else {
        input.onBegin?.({ type: 'check', id: check.id, title: base.title });
        const outcome = await abortable(evaluate(ctx, check, reference?.[check.id]), input.signal);
        if (outcome.observed !== undefined && kindOf(check).needsReference(check))
          observations[check.id] = outcome.observed;
        result = {
          ...base,
          status: outcome.status,
          expected: outcome.expected,
          found: outcome.found,
          message: outcome.message,
          ...(outcome.measured ? { measured: outcome.measured } : {}),
          ...(outcome.url ? { url: outcome.url } : {}),
          ...(outcome.graderFault ? { graderFault: true } : {}),
          seconds: (Date.now() - checkStarted) / 1000,
        };
      }
      result = mapCheck(result, shown);
      status.set(check.id, result.status);
      checks.push(result);
      input.onCheck?.(result);
    }
  } finally {
    // A private stack (selftest, grade: a run token) is removed whole afterwards: nothing to clean there.
    if (!input.runToken) notes.push(...(await runFinallySteps(ctx, input.spec)));
    for (const [, running] of ctx.background) {
      await execService({
        docker: ctx.docker,
        containerId: running.containerId,
        command: ['sh', '-c', `kill -KILL "$(cat ${running.pidFile})" 2>/dev/null; true`],
        timeoutMs: 10_000,
      }).catch(() => undefined);
    }
    for (const project of ctx.composeProjects)
      await composeDown(project, { ...cliEnv(ctx.docker), DE_LAB_IMAGE_PREFIX: ctx.prefix });
    await removeImagesInTurn(ctx.docker, ctx.builtImages, { force: true, keepCache: true }).catch(() => undefined);
    rmSync(ctx.privateDir, { recursive: true, force: true });
  }
  return {
    result: {
      day: input.lab.id,
      exercise: input.spec.exercise,
      role: input.role,
      seed: input.seed,
      ...score(checks),
      steps,
      checks,
      seconds: (Date.now() - started) / 1000,
      containment: ctx.containment,
      ...(notes.length ? { notes } : {}),
    },
    observations,
  };
}

/** Content hash of the solution, the exercise definition and the seed: a cached reference stays valid until one changes. */
export function referenceKey(spec: GradingSpec, seed: number): string {
  const hash = createHash('sha256');
  const add = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) add(path);
      else hash.update(name).update(readFileSync(path));
    }
  };
  hash.update(readFileSync(join(spec.dir, 'exercise.yaml')));
  add(join(spec.dir, 'solution'));
  add(join(spec.dir, 'starter')); // the reference runs on the starter material too
  // The day's generator and helpers (labs/dayN/gen), and the helpers days share (labs/shared/gen,
  // mounted where a day's compose file says): new data means new expectations.
  add(join(spec.dir, '..', '..', 'gen'));
  add(join(spec.dir, '..', '..', '..', 'shared', 'gen'));
  for (const check of spec.checks)
    if (check.kind === 'module' && existsSync(join(spec.dir, check.module)))
      hash.update(readFileSync(join(spec.dir, check.module)));
  hash.update(String(seed));
  return hash.digest('hex').slice(0, 16);
}

export function needsReference(spec: GradingSpec): boolean {
  return spec.checks.some((check) => kindOf(check).needsReference(check));
}

export function readCachedReference(file: string, key: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { key: string; observations: Record<string, unknown> };
    return cached.key === key ? cached.observations : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedReference(file: string, key: string, observations: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ key, observations }));
}
