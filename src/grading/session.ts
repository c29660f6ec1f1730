import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OWNER_LABEL } from '../stack/gc.js';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { composeServices, composeTarget, type ComposeTarget } from '../stack/compose.js';
import { startStack } from '../stack/start.js';
import type { Limits } from './containers.js';
import type { ExerciseResult, CheckResult, StepResult } from './results.js';
import { needsReference, readCachedReference, referenceKey, runExercise, writeCachedReference } from './runner.js';
import { loadGradingSpec } from './spec.js';

export const DEFAULT_SEED = 20261123;

export interface SessionInput {
  docker: Dockerode;
  lab: Lab;
  exercise: string;
  /** The files being graded. */
  workdir: string;
  /** The folder the day's containers see at lab.workspaceMount (holds workdir). */
  dayDir: string;
  dayProject: string;
  prefix: string;
  seed?: number;
  role?: string;
  limits?: Partial<Limits>;
  onStep?: (step: StepResult & { role: string }) => void;
  onCheck?: (check: CheckResult & { role: string }) => void;
  /** Observations of the reference run, when the caller already has them (`grade` makes them once per class, out of the learners' reach). */
  reference?: Record<string, unknown>;
}

/**
 * Grades one folder of files: runs the reference solution first when a check compares with it
 * (cached by seed and solution content), then the files' own run.
 */
export async function gradeExercise(input: SessionInput): Promise<ExerciseResult> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  const seed = input.seed ?? DEFAULT_SEED;
  const reference = input.reference ?? (await referenceObservations(input));
  const role = input.role ?? 'learner';
  const { result } = await runExercise({ ...common(input, seed), spec, role, workdir: input.workdir, reference, onStep: (s) => input.onStep?.({ ...s, role }), onCheck: (c) => input.onCheck?.({ ...c, role }) });
  return result;
}

/**
 * What the reference solution's run observed, for the checks that compare with it; undefined when
 * no check does. Cached in `cacheFile` (default: <dayDir>/.reference/) by seed and solution content.
 */
export async function referenceObservations(input: SessionInput, cacheFile?: string): Promise<Record<string, unknown> | undefined> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  if (!needsReference(spec)) return undefined;
  const seed = input.seed ?? DEFAULT_SEED;
  const referenceRoot = join(input.dayDir, '.reference');
  const file = cacheFile ?? join(referenceRoot, `${input.exercise}.seed-${seed}.json`);
  const key = referenceKey(spec, seed);
  const cached = readCachedReference(file, key);
  if (cached) return cached;
  const dir = join(referenceRoot, input.exercise);
  rmSync(dir, { recursive: true, force: true }); // de-lab's own copy of the solution, never learner work
  mkdirSync(dir, { recursive: true });
  cpSync(join(spec.dir, 'solution'), dir, { recursive: true });
  const { result, observations } = await runExercise({ ...common(input, seed), spec, role: 'reference', workdir: dir, onStep: (s) => input.onStep?.({ ...s, role: 'reference' }), onCheck: (c) => input.onCheck?.({ ...c, role: 'reference' }) });
  const broken = result.steps.find((s) => !s.ok) ?? result.checks.find((c) => c.status !== 'passed');
  if (broken) {
    const why = 'error' in broken && broken.error ? broken.error : ((broken as CheckResult).message ?? (broken as CheckResult).found);
    throw new DeLabError(
      tr({ en: `The reference solution of ${input.lab.id}/${input.exercise} did not run (${why}).`, ko: `${input.lab.id}/${input.exercise}의 참조 답안이 실행되지 않았습니다(${why}).` }),
      { hint: tr({ en: `Check that ${input.lab.id}'s stack is healthy (\`de-lab status\`), then try again.`, ko: `${input.lab.id} 스택이 정상인지(\`de-lab status\`) 확인한 뒤 다시 시도하세요.` }), code: 'E_REFERENCE' },
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  writeCachedReference(file, key, observations);
  return observations;
}

function common(input: SessionInput, seed: number) {
  return { docker: input.docker, lab: input.lab, seed, dayDir: input.dayDir, dayProject: input.dayProject, prefix: input.prefix, limits: input.limits };
}

/** Pids limit of private-stack services whose compose file sets none (JVM threads count too). */
export const PRIVATE_STACK_PIDS = 4096;

function servicesWithoutPidsLimit(composeFile: string): string[] {
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, any> };
  return Object.entries(doc.services ?? {})
    .filter(([, spec]) => spec?.pids_limit === undefined && spec?.deploy?.resources?.limits?.pids === undefined)
    .map(([name]) => name);
}

/**
 * A private copy of a day's stack for selftest and grading: its own project, its own workspace
 * folder, and no host ports, so it never collides with the learner's stack or anything else.
 */
export async function startPrivateStack(input: { docker: Dockerode; lab: Lab; project: string; prefix: string; root?: string }): Promise<{ target: ComposeTarget; root: string; dayDir: string }> {
  const root = input.root ?? mkdtempSync(join(tmpdir(), `${input.project}-`));
  const dayDir = join(root, input.lab.id);
  mkdirSync(dayDir, { recursive: true });
  const override = join(root, 'no-host-ports.yaml');
  const services = composeServices(input.lab.composeFile);
  // Learner code is exec'd into these services: a fork bomb must hit a pids limit, not the host's.
  const unlimited = new Set(servicesWithoutPidsLimit(input.lab.composeFile));
  // Every service says which process owns this stack, so `de-lab gc` leaves it alone while that
  // process (a selftest or grade run) is alive.
  const owner = `    labels:\n      ${OWNER_LABEL}: "${process.pid}@${hostname()}"\n`;
  const entries = services.map(
    (s) => `  ${s.name}:\n${owner}${s.ports.length > 0 ? '    ports: !reset []\n' : ''}${unlimited.has(s.name) ? `    pids_limit: ${PRIVATE_STACK_PIDS}\n` : ''}`,
  );
  writeFileSync(override, entries.length ? `services:\n${entries.join('')}` : 'services: {}\n');
  const target = composeTarget(input.lab, { imagePrefix: input.prefix, workspace: root }, { project: input.project, files: entries.length ? [override] : [] });
  const { openForContainers } = await import('./runner.js');
  openForContainers(dayDir);
  if (existsSync(input.lab.composeFile)) await startStack({ lab: input.lab, target, docker: input.docker });
  return { target, root, dayDir };
}
