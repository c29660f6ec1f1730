import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
}

/**
 * Grades one folder of files: runs the reference solution first when a check compares with it
 * (cached by seed and solution content), then the files' own run.
 */
export async function gradeExercise(input: SessionInput): Promise<ExerciseResult> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  const seed = input.seed ?? DEFAULT_SEED;
  let reference: Record<string, unknown> | undefined;
  if (needsReference(spec)) {
    const referenceRoot = join(input.dayDir, '.reference');
    const cacheFile = join(referenceRoot, `${input.exercise}.seed-${seed}.json`);
    const key = referenceKey(spec, seed);
    reference = readCachedReference(cacheFile, key);
    if (!reference) {
      const dir = join(referenceRoot, input.exercise);
      rmSync(dir, { recursive: true, force: true }); // de-lab's own copy of the solution, never learner work
      mkdirSync(dir, { recursive: true });
      cpSync(join(spec.dir, 'solution'), dir, { recursive: true });
      const { result, observations } = await runExercise({ ...common(input, seed), spec, role: 'reference', workdir: dir, onStep: (s) => input.onStep?.({ ...s, role: 'reference' }), onCheck: (c) => input.onCheck?.({ ...c, role: 'reference' }) });
      const broken = result.steps.find((s) => !s.ok) ?? result.checks.find((c) => c.status !== 'passed');
      if (broken) {
        throw new DeLabError(
          tr({ en: `The reference solution of ${input.lab.id}/${input.exercise} did not run (${'error' in broken && broken.error ? broken.error : (broken as CheckResult).message ?? (broken as CheckResult).found}).`, ko: `${input.lab.id}/${input.exercise}의 참조 답안이 실행되지 않았습니다(${'error' in broken && broken.error ? broken.error : (broken as CheckResult).message ?? (broken as CheckResult).found}).` }),
          { hint: tr({ en: `Check that ${input.lab.id}'s stack is healthy (\`de-lab status\`), then try again.`, ko: `${input.lab.id} 스택이 정상인지(\`de-lab status\`) 확인한 뒤 다시 시도하세요.` }), code: 'E_REFERENCE' },
        );
      }
      reference = observations;
      writeCachedReference(cacheFile, key, reference);
    }
  }
  const role = input.role ?? 'learner';
  const { result } = await runExercise({ ...common(input, seed), spec, role, workdir: input.workdir, reference, onStep: (s) => input.onStep?.({ ...s, role }), onCheck: (c) => input.onCheck?.({ ...c, role }) });
  return result;
}

function common(input: SessionInput, seed: number) {
  return { docker: input.docker, lab: input.lab, seed, dayDir: input.dayDir, dayProject: input.dayProject, prefix: input.prefix, limits: input.limits };
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
  const services = composeServices(input.lab.composeFile).filter((service) => service.ports.length > 0);
  writeFileSync(override, services.length ? `services:\n${services.map((s) => `  ${s.name}:\n    ports: !reset []\n`).join('')}` : 'services: {}\n');
  const target = composeTarget(input.lab, { imagePrefix: input.prefix, workspace: root }, { project: input.project, files: services.length ? [override] : [] });
  const { openForContainers } = await import('./runner.js');
  openForContainers(dayDir);
  if (existsSync(input.lab.composeFile)) await startStack({ lab: input.lab, target, docker: input.docker });
  return { target, root, dayDir };
}
