import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type Dockerode from 'dockerode';
import { errorMessage } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { DEFAULT_LIMITS, execService, type Limits } from './containers.js';
import { makeVars, type GradingSpec, type RunContext } from './context.js';
import { kindOf } from './kinds/index.js';
import { score, type CheckResult, type ExerciseResult, type StepResult } from './results.js';
import { fillDeep } from './template.js';
import { composeDown, runStep } from './steps.js';
import type { Check } from './schema.js';

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
  /** Observations of the reference run, by check id. */
  reference?: Record<string, unknown>;
  onStep?: (step: StepResult) => void;
  onCheck?: (check: CheckResult) => void;
}

/** Containers write their outputs into the workdir as their own users: let them. Links are never followed. */
export function openForContainers(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if (stats.isDirectory()) {
      chmodSync(path, 0o777);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else chmodSync(path, stats.mode | 0o444);
  };
  walk(dir);
}

/**
 * Removes symbolic links under `dir` that lead outside it (or nowhere). Code in a container can
 * write `out.csv -> /etc/shadow` into its bind-mounted folder; checks that read files on the
 * host must never follow such a link to the host's own file. Returns the removed paths.
 */
export function dropEscapingLinks(dir: string, limit = 100_000): string[] {
  if (!existsSync(dir)) return [];
  const root = realpathSync(dir);
  const removed: string[] = [];
  let seen = 0;
  const walk = (path: string) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return; // a folder a container made unreadable: the host-side checks cannot read it either
    }
    for (const name of names) {
      if (++seen > limit) return;
      const child = join(path, name);
      const stats = lstatSync(child, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isSymbolicLink()) {
        let real: string | undefined;
        try {
          real = realpathSync(child);
        } catch {
          real = undefined;
        }
        const rel = real === undefined ? '..' : relative(root, real);
        if (rel.startsWith('..') || isAbsolute(rel)) {
          rmSync(child, { force: true });
          removed.push(relative(dir, child));
        }
      } else if (stats.isDirectory()) walk(child);
    }
  };
  walk(dir);
  return removed;
}

function withTimeout<T>(promise: Promise<T>, seconds: number): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${seconds} s`)), seconds * 1000).unref())]);
}

async function evaluate(ctx: RunContext, check: Check, reference: unknown): Promise<{ status: 'passed' | 'failed' | 'error'; expected?: string; found?: string; message?: string; observed?: unknown }> {
  const kind = kindOf(check);
  const deadline = Date.now() + (check.retry?.untilSec ?? 0) * 1000;
  for (;;) {
    let observed: unknown;
    dropEscapingLinks(ctx.workdir);
    try {
      observed = await withTimeout(kind.observe(ctx, check), check.timeoutSec);
    } catch (error) {
      if (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, (check.retry?.everySec ?? 2) * 1000));
        continue;
      }
      return { status: 'error', message: errorMessage(error) };
    }
    if (ctx.role === 'reference' && reference === undefined && kind.needsReference(check)) return { status: 'passed', observed, found: 'observed for the reference' };
    const verdict = kind.judge(check, observed, reference);
    if (verdict.ok || Date.now() >= deadline) return { status: verdict.ok ? 'passed' : 'failed', expected: verdict.expected, found: verdict.found, observed };
    await new Promise((resolve) => setTimeout(resolve, (check.retry?.everySec ?? 2) * 1000));
  }
}

/** One run of an exercise's steps and checks against one folder of files. Never throws for the learner's faults. */
export async function runExercise(input: RunInput): Promise<{ result: ExerciseResult; observations: Record<string, unknown> }> {
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
    vars: makeVars({ lab: input.lab, exercise: input.spec.exercise, role: input.role, seed: input.seed, workdir: input.workdir, dayDir: input.dayDir, dayProject: input.dayProject, prefix: input.prefix, unique: randomBytes(4).toString('hex') }),
    composeProjects: new Set(),
    background: new Map(),
  };
  openForContainers(input.workdir);
  const steps: StepResult[] = [];
  const checks: CheckResult[] = [];
  const observations: Record<string, unknown> = {};
  let failedStep: StepResult | undefined;
  try {
    for (const step of input.spec.steps) {
      const result = await runStep(ctx, step);
      steps.push(result);
      input.onStep?.(result);
      if (!result.ok) {
        failedStep = result;
        break;
      }
    }
    const status = new Map<string, CheckResult['status']>();
    for (const raw of input.spec.checks) {
      const check = fillDeep(raw, ctx.vars);
      const base = { id: check.id, title: tr(check.title), kind: check.kind, weight: check.weight };
      const checkStarted = Date.now();
      let result: CheckResult;
      const blocked = check.dependsOn.find((id) => status.get(id) !== 'passed');
      if (failedStep) {
        result = { ...base, status: 'skipped', seconds: 0, message: tr({ en: `not checked: step ${failedStep.id} failed (${failedStep.error})`, ko: `검사 안 함: 단계 ${failedStep.id} 실패 (${failedStep.error})` }) };
      } else if (blocked) {
        result = { ...base, status: 'skipped', seconds: 0, message: tr({ en: `not checked: it needs "${blocked}", which did not pass`, ko: `검사 안 함: 먼저 통과해야 하는 "${blocked}"가 통과하지 못함` }) };
      } else {
        const outcome = await evaluate(ctx, check, input.reference?.[check.id]);
        if (outcome.observed !== undefined && kindOf(check).needsReference(check)) observations[check.id] = outcome.observed;
        result = { ...base, status: outcome.status, expected: outcome.expected, found: outcome.found, message: outcome.message, seconds: (Date.now() - checkStarted) / 1000 };
      }
      status.set(check.id, result.status);
      checks.push(result);
      input.onCheck?.(result);
    }
  } finally {
    for (const [, running] of ctx.background) {
      await execService({ docker: ctx.docker, containerId: running.containerId, command: ['sh', '-c', `kill -KILL "$(cat ${running.pidFile})" 2>/dev/null; true`], timeoutMs: 10_000 }).catch(() => undefined);
    }
    for (const project of ctx.composeProjects) await composeDown(project, { ...process.env, DE_LAB_IMAGE_PREFIX: ctx.prefix });
  }
  return {
    result: { day: input.lab.id, exercise: input.spec.exercise, role: input.role, seed: input.seed, ...score(checks), steps, checks, seconds: (Date.now() - started) / 1000 },
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
  for (const check of spec.checks) if (check.kind === 'module' && existsSync(join(spec.dir, check.module))) hash.update(readFileSync(join(spec.dir, check.module)));
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
