import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AnchoredDir, forgetRoot, readContained, trustRoot } from '../stack/sandbox/anchored.js';
import type Dockerode from 'dockerode';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import type { Limits } from '../stack/sandbox/containers.js';
import type { GradingSpec } from './context.js';
import type { ExerciseResult, CheckResult, StepResult } from './results.js';
import {
  needsReference,
  readCachedReference,
  referenceKey,
  runExercise,
  writeCachedReference,
  type Reference,
} from './runner.js';
import { courseSeed } from '../course/seed.js';
import { loadGradingSpec } from './spec.js';
import { lineEndingNotes, normaliseLineEndings } from './line-endings.js';
import { mirrorOf } from '../stack/engines/mirror.js';

export interface SessionInput {
  docker: Dockerode;
  lab: Lab;
  exercise: string;
  /** The folder whose declared `files` are graded (a learner's exercise folder, a submission, starter/ or solution/). */
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
  /** Observations of the reference run, when the caller has them or makes them (`grade` makes them once per class, out of the learners' reach). */
  reference?: Reference;
  /** {port:N} values of the stack (private ports of a selftest/grade stack, or the day's own ports). */
  portVars?: Record<string, string>;
  /** Appended to names a run creates (projects, image tags), so two runs at once never share one. */
  runToken?: string;
  /** Keep the scratch folder (for debugging a grader). */
  keepScratch?: boolean;
  onBegin?: (event: { type: 'step' | 'check'; id: string; title: string; role: string }) => void;
  signal?: AbortSignal;
}

/** Where graded copies live inside the day folder (the containers see it at the day's mount). */
export const SCRATCH_DIR = '.grading';

/**
 * A fresh scratch copy to grade: the exercise's whole starter/ (data, init scripts, programs the
 * checks rely on) with only the declared `files` taken from `source` on top. Anything else a
 * learner changed or added is ignored, and their own folder (outputs, checkpoints) is never touched.
 * Only regular files are taken: a link could lead a check to a host file. Windows line endings
 * are settled here, once for every grader (line-endings.ts).
 *
 * The copy lives in the day folder, which containers write: every step of making it goes through
 * folder handles (anchored.ts), never through a link a container planted, and the layout keeps
 * the path stable for binds (see scratchParent).
 */
export function scratchCopy(
  spec: GradingSpec,
  source: string,
  dayDir: string,
  name: string,
): { dir: string; ignored: string[]; converted: string[]; kept: string[] } {
  const dir = join(dayDir, SCRATCH_DIR, name);
  const parent = scratchParent(dayDir);
  let scratch: AnchoredDir | undefined;
  try {
    parent.remove(name); // de-lab's own copy from an interrupted run, never learner work
    scratch = parent.mkdirChild(name, 0o777);
    trustRoot(dir, scratch.realPath());
    const starter = join(spec.dir, 'starter');
    if (existsSync(starter)) scratch.copyTreeFrom(starter);
    const ignored: string[] = [];
    const endings = { converted: [] as string[], kept: [] as string[] };
    for (const file of spec.files) {
      let data: Buffer | undefined;
      try {
        data = readContained(source, join(source, file), MAX_SUBMITTED_FILE);
      } catch {
        ignored.push(file); // a link, a folder, a file outside the learner's folder or one too large
        continue;
      }
      if (data === undefined) continue; // not submitted: the starter's version stays, and the checks say what is missing
      const normal = normaliseLineEndings(file, data);
      if (normal.endings !== 'lf') endings[normal.endings].push(file);
      const folder = scratch.ensurePath(dirname(file));
      try {
        folder.remove(basename(file));
        folder.writeNew(basename(file), normal.data, 0o666);
      } finally {
        folder.close();
      }
    }
    return { dir, ignored, ...endings };
  } finally {
    scratch?.close();
    parent.close();
  }
}

/** Learner files larger than this are not graded (the course's files are small programs and configs). */
const MAX_SUBMITTED_FILE = 16 * 1024 * 1024;

/**
 * The day folder's `.grading`, opened by handle: de-lab's own folder, not writable by the
 * containers' users, in a day folder with the sticky bit, so that no container user can rename
 * it, replace it with a link, or swap a scratch folder in it for one (whatever they do inside a
 * scratch folder, which is theirs to write). One found otherwise (a link, a file, another owner,
 * writable by others) was put there by a container and is removed, without following it.
 */
function scratchParent(dayDir: string): AnchoredDir {
  mkdirSync(dayDir, { recursive: true });
  const day = AnchoredDir.open(dayDir);
  try {
    const mode = day.stat().mode & 0o7777;
    if (mode & 0o002 && !(mode & 0o1000)) day.chmod(mode | 0o1000);
    const found = day.entry(SCRATCH_DIR);
    const own = process.getuid?.() ?? found?.uid;
    if (found && (!found.isDirectory() || found.uid !== own || (found.mode & 0o022) !== 0)) day.remove(SCRATCH_DIR);
    if (!day.entry(SCRATCH_DIR)) day.mkdirChild(SCRATCH_DIR, 0o755).close();
    return day.child(SCRATCH_DIR);
  } finally {
    day.close();
  }
}

/**
 * Grades one folder of files: runs the reference solution first when a check compares with it
 * (cached by seed and solution content), then the files' own run.
 */
export async function gradeExercise(input: SessionInput): Promise<ExerciseResult> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  const seed = input.seed ?? courseSeed();
  const reference = input.reference ?? (await referenceObservations(input));
  const role = input.role ?? 'learner';
  const scratch = scratchCopy(spec, input.workdir, input.dayDir, scratchName(input.exercise, role, input.runToken));
  try {
    const { result } = await runExercise({
      ...common(input, seed),
      spec,
      role,
      workdir: scratch.dir,
      reference,
      onStep: (s) => input.onStep?.({ ...s, role }),
      onCheck: (c) => input.onCheck?.({ ...c, role }),
      onBegin: (e) => input.onBegin?.({ ...e, role }),
    });
    if (scratch.ignored.length)
      result.notes = [...(result.notes ?? []), `not graded (not a regular file): ${scratch.ignored.join(', ')}`];
    const endingNotes = lineEndingNotes(scratch.converted, scratch.kept).map((note) => tr(note));
    if (endingNotes.length) result.notes = [...(result.notes ?? []), ...endingNotes];
    return result;
  } finally {
    if (!input.keepScratch) await removeScratch(input.docker, scratch.dir);
  }
}

/**
 * The scratch folder's name: stable inside a private stack (selftest, grade: one run owns the
 * folder, so messages that name a path are the same from run to run), with the process id in a
 * learner's workspace, where a `watch` and a `check` may run at once.
 */
function scratchName(exercise: string, role: string, runToken?: string): string {
  return runToken ? `${exercise}-${role}` : `${exercise}-${role}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Removes a scratch copy here, and the engine's copy of it when the engine has one (engines/mirror.ts). */
async function removeScratch(docker: Dockerode, dir: string): Promise<void> {
  await mirrorOf(docker)
    ?.forget(dir)
    .catch(() => undefined);
  forgetRoot(dir);
  try {
    const parent = AnchoredDir.open(dirname(dir));
    try {
      parent.remove(basename(dir));
    } finally {
      parent.close();
    }
  } catch {
    // files a container made as another user (rootless engines), or a folder a process keeps
    // writing: left in the de-lab scratch folder, never removed through a link
  }
}

/**
 * What the reference solution's run observed, for the checks that compare with it; undefined when
 * no check does. Cached in `cacheFile` (default: <workspace>/.de-lab/reference/<day>/) by seed and solution content.
 */
export async function referenceObservations(
  input: SessionInput,
  cacheFile?: string,
): Promise<Record<string, unknown> | undefined> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  if (!needsReference(spec)) return undefined;
  const file = cacheFile ?? referenceFile(input);
  const cached = readCachedReference(file, referenceKey(spec, input.seed ?? courseSeed()));
  if (cached) return cached;
  const { result, observations } = await runReference(input, file);
  const broken = result.steps.find((s) => !s.ok) ?? result.checks.find((c) => c.status !== 'passed');
  if (broken) {
    const why =
      'error' in broken && broken.error
        ? broken.error
        : ((broken as CheckResult).message ?? (broken as CheckResult).found);
    throw new DeLabError(
      tr({
        en: `The reference solution of ${input.lab.id}/${input.exercise} did not run (${why}).`,
        ko: `${input.lab.id}/${input.exercise}의 참조 답안이 실행되지 않았습니다(${why}).`,
      }),
      {
        hint: tr({
          en: `Check that ${input.lab.id}'s stack is healthy (\`de-lab status\`), then try again.`,
          ko: `${input.lab.id} 스택이 정상인지(\`de-lab status\`) 확인한 뒤 다시 시도하세요.`,
        }),
        code: 'E_REFERENCE',
      },
    );
  }
  return observations;
}

/** Where the reference observations of an exercise and seed are cached for this day folder. */
function referenceFile(input: SessionInput): string {
  // Outside the day folder that containers mount: no learner job can write a reference of its own.
  const referenceRoot = join(dirname(input.dayDir), '.de-lab', 'reference', input.lab.id);
  return join(referenceRoot, `${input.exercise}.seed-${input.seed ?? courseSeed()}.json`);
}

/**
 * Runs the reference solution (a scratch copy of solution/) as the reference: the checks that
 * compare with it record what they observe, every other check judges it as usual. When every step
 * and check passed, its observations are cached for the checks of other folders (runs of the same
 * seed then skip the reference). `selftest` takes this run as the solution's own result.
 */
export async function runReference(
  input: SessionInput,
  cacheFile?: string,
): Promise<{ result: ExerciseResult; observations: Record<string, unknown> }> {
  const spec = loadGradingSpec(input.lab, input.exercise);
  const seed = input.seed ?? courseSeed();
  const scratch = scratchCopy(
    spec,
    join(spec.dir, 'solution'),
    input.dayDir,
    scratchName(input.exercise, 'reference', input.runToken),
  );
  let run: Awaited<ReturnType<typeof runExercise>>;
  try {
    run = await runExercise({
      ...common(input, seed),
      spec,
      role: 'reference',
      workdir: scratch.dir,
      onStep: (s) => input.onStep?.({ ...s, role: 'reference' }),
      onCheck: (c) => input.onCheck?.({ ...c, role: 'reference' }),
      onBegin: (e) => input.onBegin?.({ ...e, role: 'reference' }),
    });
  } finally {
    if (!input.keepScratch) await removeScratch(input.docker, scratch.dir);
  }
  const { result, observations } = run;
  const broken = result.steps.some((s) => !s.ok) || result.checks.some((c) => c.status !== 'passed');
  if (!broken && needsReference(spec)) {
    const file = cacheFile ?? referenceFile(input);
    mkdirSync(dirname(file), { recursive: true });
    writeCachedReference(file, referenceKey(spec, seed), observations);
  }
  return { result, observations };
}

function common(input: SessionInput, seed: number) {
  return {
    docker: input.docker,
    lab: input.lab,
    seed,
    dayDir: input.dayDir,
    dayProject: input.dayProject,
    prefix: input.prefix,
    limits: input.limits,
    portVars: input.portVars,
    runToken: input.runToken,
    signal: input.signal,
  };
}

export { startPrivateStack } from '../stack/sandbox/private-stack.js';
