import { josa } from '../i18n/josa.js';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { writeFileAtomic } from './atomic.js';
import { backupFile, finishBackup, startBackup } from './backup.js';
import type { Day, Exercise } from './exercises.js';
import { unifiedDiff } from './diff.js';
import { emptyState, hasState, saveState } from './state.js';
import { README, GITIGNORE } from './workspace-text.js';

/**
 * A learner's workspace: <root>/dayN/<exercise>/<files> copied from the starters, plus
 * .de-lab/state.json (progress) and .de-lab/backups/ (every file de-lab ever replaced).
 */
export interface Workspace {
  root: string;
  /** How it was found: walking up from the current folder, or the `workspace` setting. */
  source: 'cwd' | 'config';
}

export function isWorkspace(dir: string): boolean {
  return hasState(dir);
}

/** The workspace holding `cwd` (walking up), else the configured one if it exists. */
export function findWorkspace(cwd: string, configured?: string): Workspace | undefined {
  let dir = resolve(cwd);
  const top = parse(dir).root;
  for (;;) {
    if (isWorkspace(dir)) return { root: dir, source: 'cwd' };
    if (dir === top) break;
    dir = dirname(dir);
  }
  if (configured && isWorkspace(resolve(configured))) return { root: resolve(configured), source: 'config' };
  return undefined;
}

export function requireWorkspace(cwd: string, configured?: string): Workspace {
  const found = findWorkspace(cwd, configured);
  if (found) return found;
  throw new DeLabError(
    tr({
      en: `There is no de-lab workspace in ${resolve(cwd)} or at ${configured ?? '(no workspace setting)'}.`,
      ko: `${josa(resolve(cwd), '과/와')} ${configured ?? '(workspace 설정 없음)'}에 de-lab 작업 폴더가 없습니다.`,
    }),
    {
      hint: tr({
        en: 'Create one with `de-lab init` (or `de-lab init <folder>`), then run this again.',
        ko: '`de-lab init`(또는 `de-lab init <폴더>`)로 만든 뒤 다시 실행하세요.',
      }),
      code: 'E_NO_WORKSPACE',
    },
  );
}

/** <workspace>/<day>/<exercise>: what the day's containers see under lab.workspaceMount. */
export function exerciseDir(root: string, exercise: Exercise): string {
  return join(root, exercise.day, exercise.id);
}

/** Workspace-relative path of one exercise file: also its path inside a backup session. */
export function relativeFile(exercise: Exercise, file: string): string {
  return `${exercise.day}/${exercise.id}/${file}`;
}

function sameContent(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

/** Copies a course file to a workspace path that does not exist yet. */
function copyNew(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  writeFileAtomic(target, readFileSync(source), statSync(source).mode & 0o777);
}

/** Adds the starter files a workspace lacks (a new exercise, a deleted file); never replaces one. */
export function addMissingStarters(root: string, exercise: Exercise): string[] {
  const added: string[] = [];
  for (const file of exercise.starterFiles) {
    const target = join(exerciseDir(root, exercise), file);
    if (existsSync(target)) continue;
    copyNew(join(exercise.starterDir, file), target);
    added.push(relativeFile(exercise, file));
  }
  return added;
}

export type GitOutcome = 'initialized' | 'already' | 'git-missing' | 'failed' | 'not-asked';

export interface InitResult {
  root: string;
  /** False when the folder already was a workspace. */
  created: boolean;
  /** Workspace-relative paths of the files written now. */
  added: string[];
  /** Files already there, left as they were. */
  kept: number;
  git: GitOutcome;
}

function gitInit(root: string): GitOutcome {
  if (existsSync(join(root, '.git'))) return 'already';
  const result = spawnSync('git', ['init', '--quiet'], { cwd: root, stdio: 'ignore' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'git-missing';
  return result.status === 0 ? 'initialized' : 'failed';
}

/** Creates a workspace or completes an existing one; only ever adds files. */
export function initWorkspace(root: string, course: Day[], options: { git?: boolean } = {}): InitResult {
  root = resolve(root);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new DeLabError(
      tr({
        en: `${root} is a file, so it cannot be your workspace.`,
        ko: `${josa(root, '은/는')} 파일이라 작업 폴더로 쓸 수 없습니다.`,
      }),
      {
        hint: tr({ en: 'Give a folder: `de-lab init <folder>`.', ko: '폴더를 지정하세요: `de-lab init <폴더>`.' }),
        code: 'E_WORKSPACE',
        exitCode: EXIT.usage,
      },
    );
  }
  const created = !isWorkspace(root);
  mkdirSync(root, { recursive: true });
  const added: string[] = [];
  let kept = 0;
  for (const day of course) {
    for (const exercise of day.exercises) {
      const now = addMissingStarters(root, exercise);
      added.push(...now);
      kept += exercise.starterFiles.length - now.length;
    }
  }
  for (const [name, text] of [
    ['README.md', README],
    ['.gitignore', GITIGNORE],
  ] as const) {
    const path = join(root, name);
    if (existsSync(path)) continue;
    writeFileAtomic(path, text);
    added.push(name);
  }
  const git = options.git ? gitInit(root) : 'not-asked';
  // Written last: a workspace is complete once its state file exists.
  if (!isWorkspace(root)) saveState(root, emptyState());
  return { root, created, added, kept, git };
}

export type FileStatus = 'same' | 'changed' | 'missing';

export interface FileComparison {
  /** Relative to the exercise folder. */
  file: string;
  /** The learner's copy (absolute). */
  path: string;
  status: FileStatus;
}

/** How the learner's copy of each file compares with a reference folder (starter/ or solution/). */
export function compareWith(root: string, exercise: Exercise, referenceDir: string, files: string[]): FileComparison[] {
  return files.map((file) => {
    const path = join(exerciseDir(root, exercise), file);
    const status: FileStatus = !existsSync(path)
      ? 'missing'
      : sameContent(path, join(referenceDir, file))
        ? 'same'
        : 'changed';
    return { file, path, status };
  });
}

export interface ReplaceResult {
  /** Workspace-relative paths that now hold the reference content. */
  replaced: string[];
  /** The backup session holding the previous content of changed files, if any. */
  backupDir?: string;
}

/**
 * Makes each listed learner file equal to the reference: a changed file is first copied into one
 * backup session, then replaced atomically. Files equal to the reference are not touched.
 */
function replaceWith(
  root: string,
  items: Array<{ exercise: Exercise; referenceDir: string; files: string[] }>,
): ReplaceResult {
  const backup = startBackup(root);
  const replaced: string[] = [];
  let backupDir: string | undefined;
  try {
    for (const { exercise, referenceDir, files } of items) {
      for (const { file, path, status } of compareWith(root, exercise, referenceDir, files)) {
        if (status === 'same') continue;
        const source = join(referenceDir, file);
        if (status === 'changed') backupFile(backup, path, relativeFile(exercise, file));
        mkdirSync(dirname(path), { recursive: true });
        writeFileAtomic(path, readFileSync(source), statSync(source).mode & 0o777);
        replaced.push(relativeFile(exercise, file));
      }
    }
  } finally {
    // On an error too: the copies made so far stay, and an empty session folder goes.
    backupDir = finishBackup(backup);
  }
  return { replaced, backupDir };
}

/** Files that `reset` would restore, per exercise: starter files that are changed or missing. */
export function resetPlan(root: string, exercises: Exercise[]): FileComparison[] {
  return exercises.flatMap((exercise) =>
    compareWith(root, exercise, exercise.starterDir, exercise.starterFiles).filter((c) => c.status !== 'same'),
  );
}

/** Restores every starter file of these exercises; files the learner added are left alone. */
export function resetExercises(root: string, exercises: Exercise[]): ReplaceResult {
  return replaceWith(
    root,
    exercises.map((exercise) => ({ exercise, referenceDir: exercise.starterDir, files: exercise.starterFiles })),
  );
}

/** Replaces the files the learner edits with the reference solution. */
export function applySolution(root: string, exercise: Exercise): ReplaceResult {
  return replaceWith(root, [{ exercise, referenceDir: exercise.solutionDir, files: exercise.files }]);
}

export interface SolutionDiff extends FileComparison {
  /** Unified diff from the learner's file to the solution; empty when equal. */
  diff: string;
}

export function solutionDiffs(root: string, exercise: Exercise): SolutionDiff[] {
  return compareWith(root, exercise, exercise.solutionDir, exercise.files).map((comparison) => {
    const mine = comparison.status === 'missing' ? '' : readFileSync(comparison.path, 'utf8');
    const reference = readFileSync(join(exercise.solutionDir, comparison.file), 'utf8');
    const label = relativeFile(exercise, comparison.file);
    return {
      ...comparison,
      diff: unifiedDiff(mine, reference, {
        before: comparison.status === 'missing' ? '/dev/null' : `${label} (yours)`,
        after: `${label} (solution)`,
      }),
    };
  });
}

/** The uid the course images run their programs as (spark, learner): see labs/images. */
export const CONTAINER_UID = 1000;

/**
 * On Linux, bind-mounted folders keep the host's owners: when the learner's uid is not the
 * containers' (root, or a second user), jobs cannot create out/ or checkpoint/ in an exercise
 * folder. Folders (never files) of the day are then opened for writing. Returns how many.
 */
export function openDayFoldersForContainers(
  dayDir: string,
  uid = process.getuid?.(),
  platform = process.platform,
): number {
  if (platform !== 'linux' || uid === undefined || uid === CONTAINER_UID || !existsSync(dayDir)) return 0;
  let opened = 0;
  const walk = (dir: string, depth: number) => {
    const stats = lstatSync(dir);
    if (!stats.isDirectory() || stats.isSymbolicLink()) return;
    if ((stats.mode & 0o777) !== 0o777 && stats.uid === uid) {
      chmodSync(dir, 0o777);
      opened += 1;
    }
    if (depth < 2)
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory() && !entry.name.startsWith('.')) walk(join(dir, entry.name), depth + 1);
  };
  walk(dayDir, 0);
  return opened;
}
