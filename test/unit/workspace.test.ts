import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackupFiles, startBackup } from '../../src/course/backup.js';
import { loadCourse, type Exercise } from '../../src/course/exercises.js';
import {
  applySolution,
  findWorkspace,
  initWorkspace,
  requireWorkspace,
  resetExercises,
  resetPlan,
  solutionDiffs,
} from '../../src/course/workspace.js';
import { goodCourse, prng, tempDir } from '../helpers/course.js';

const course = loadCourse(goodCourse);
const exercises = course.flatMap((day) => day.exercises);
const byId = (id: string) => exercises.find((e) => e.id === id)!;

/** Learner files: everything in the workspace except .de-lab/ and .git/, by relative path. */
function learnerFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '.de-lab' && entry.name !== '.git') walk(path);
      else if (entry.isFile()) files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

describe('init', () => {
  it('creates the layout, README, .gitignore and state, and finds the workspace from inside', () => {
    const root = join(tempDir(), 'ws');
    const result = initWorkspace(root, course);
    expect(result.created).toBe(true);
    expect([...learnerFiles(root).keys()].sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'day1/hello-file/hello.sh',
        'day1/word-count/count.py',
        'day1/word-count/data/words.txt',
        'day1/word-count/lib/util.py',
        'day2/top-words/top.py',
      ].sort(),
    );
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/de-lab exercise[\s\S]*작업 폴더/);
    const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toContain('__pycache__/');
    // Progress and backups are the learner's; only de-lab's caches (scratch copies, reference results) are ignored.
    expect(ignored.filter((line) => /de-lab|backups|state/.test(line))).toEqual(['.de-lab/reference/']);
    expect(ignored).toContain('.grading/');
    expect(existsSync(join(root, '.de-lab', 'state.json'))).toBe(true);
    expect(findWorkspace(join(root, 'day1', 'word-count', 'lib'))).toEqual({ root, source: 'cwd' });
    expect(findWorkspace(tempDir(), root)).toEqual({ root, source: 'config' });
    expect(findWorkspace(tempDir(), join(tempDir(), 'nothing'))).toBeUndefined();
    expect(() => requireWorkspace(tempDir())).toThrowError(/There is no de-lab workspace/);
  });

  it('on an existing workspace only adds missing files and never overwrites', () => {
    const root = join(tempDir(), 'ws');
    initWorkspace(root, course);
    writeFileSync(join(root, 'day1', 'hello-file', 'hello.sh'), 'mine\n');
    writeFileSync(join(root, 'README.md'), 'my notes\n');
    rmSync(join(root, 'day1', 'word-count', 'lib', 'util.py'));
    const again = initWorkspace(root, course);
    expect(again.created).toBe(false);
    expect(again.added).toEqual(['day1/word-count/lib/util.py']);
    expect(again.kept).toBe(4);
    expect(readFileSync(join(root, 'day1', 'hello-file', 'hello.sh'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('my notes\n');
  });

  it('--git makes a repository, or says git is missing', () => {
    const root = join(tempDir(), 'ws');
    expect(['initialized', 'git-missing']).toContain(initWorkspace(root, course, { git: true }).git);
    const path = process.env.PATH;
    try {
      process.env.PATH = tempDir();
      expect(initWorkspace(join(tempDir(), 'ws'), course, { git: true }).git).toBe('git-missing');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('reset and solution', () => {
  it("reset backs up changed files, restores missing ones, and leaves the learner's extra files", () => {
    const root = join(tempDir(), 'ws');
    initWorkspace(root, course);
    const dir = join(root, 'day1', 'word-count');
    writeFileSync(join(dir, 'count.py'), 'my count\n');
    rmSync(join(dir, 'lib', 'util.py'));
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    const words = byId('word-count');
    expect(resetPlan(root, [words]).map((c) => [c.file, c.status])).toEqual([
      ['count.py', 'changed'],
      ['lib/util.py', 'missing'],
    ]);
    const result = resetExercises(root, [words]);
    expect(result.replaced).toEqual(['day1/word-count/count.py', 'day1/word-count/lib/util.py']);
    expect(readFileSync(join(result.backupDir!, 'day1', 'word-count', 'count.py'), 'utf8')).toBe('my count\n');
    expect(readFileSync(join(dir, 'count.py'), 'utf8')).toBe(readFileSync(join(words.starterDir, 'count.py'), 'utf8'));
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(resetExercises(root, [words])).toEqual({ replaced: [] });
  });

  it("solution shows a diff against the learner's file and --apply backs it up first", () => {
    const root = join(tempDir(), 'ws');
    initWorkspace(root, course);
    const hello = byId('hello-file');
    const [diff] = solutionDiffs(root, hello);
    expect(diff!.status).toBe('changed');
    expect(diff!.diff).toBe(
      [
        '--- day1/hello-file/hello.sh (yours)',
        '+++ day1/hello-file/hello.sh (solution)',
        '@@ -1 +1 @@',
        '-# starter of hello.sh',
        '+# solution of hello.sh',
        '',
      ].join('\n'),
    );
    const applied = applySolution(root, hello);
    expect(applied.replaced).toEqual(['day1/hello-file/hello.sh']);
    expect(readFileSync(join(applied.backupDir!, 'day1/hello-file/hello.sh'), 'utf8')).toBe('# starter of hello.sh\n');
    expect(solutionDiffs(root, hello)[0]).toMatchObject({ status: 'same', diff: '' });
  });

  it('keeps the file mode of the course file (scripts stay executable)', () => {
    const root = join(tempDir(), 'ws');
    initWorkspace(root, course);
    const mode = statSync(join(byId('hello-file').starterDir, 'hello.sh')).mode & 0o777;
    expect(statSync(join(root, 'day1', 'hello-file', 'hello.sh')).mode & 0o777).toBe(mode & ~process.umask());
  });

  it('backup sessions are unique even within the same millisecond', () => {
    const root = tempDir();
    const now = new Date('2030-01-02T03:04:05.678Z');
    const dirs = Array.from({ length: 5 }, () => startBackup(root, now).dir);
    expect(new Set(dirs).size).toBe(5);
    expect(dirs[0]!.endsWith('2030-01-02T03-04-05.678Z')).toBe(true);
  });
});

describe('never losing a learner edit (randomized, seeded)', () => {
  it.each([1, 2, 3])('seed %i: 200 random edits, resets, applies and inits', (seed) => {
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const root = join(tempDir(), 'ws');
    initWorkspace(root, course);
    const replacedByDeLab: string[] = [];
    for (let step = 0; step < 200; step++) {
      const exercise: Exercise = pick(exercises);
      const roll = random();
      if (roll < 0.55) {
        // The learner edits, creates or deletes a file.
        const file = join(
          root,
          exercise.day,
          exercise.id,
          pick([...exercise.starterFiles, `notes-${Math.floor(random() * 3)}.txt`]),
        );
        const action = random();
        mkdirSync(join(file, '..'), { recursive: true });
        if (action < 0.1) rmSync(file, { force: true });
        else if (action < 0.5 && existsSync(file))
          writeFileSync(file, readFileSync(file, 'utf8') + `edit ${seed}/${step}\n`);
        else writeFileSync(file, `edit ${seed}/${step} ${random()}\n`);
        continue;
      }
      const before = learnerFiles(root);
      if (roll < 0.7) resetExercises(root, [exercise]);
      else if (roll < 0.8) resetExercises(root, course.find((day) => day.lab.id === exercise.day)!.exercises);
      else if (roll < 0.95) applySolution(root, exercise);
      else initWorkspace(root, course);
      const after = learnerFiles(root);
      const backups = new Set(listBackupFiles(root).map((file) => readFileSync(file, 'utf8')));
      for (const [path, content] of before) {
        // de-lab never deletes a file, and every content it replaced is in a backup.
        expect(after.has(path), `${path} still exists after step ${step}`).toBe(true);
        if (after.get(path) !== content) {
          expect(backups.has(content), `the content of ${path} before step ${step} is backed up`).toBe(true);
          replacedByDeLab.push(content);
        }
      }
    }
    // Backups are never pruned: everything de-lab ever replaced is still there at the end.
    const finalBackups = new Set(listBackupFiles(root).map((file) => readFileSync(file, 'utf8')));
    for (const content of replacedByDeLab) expect(finalBackups.has(content)).toBe(true);
    expect(replacedByDeLab.length).toBeGreaterThan(10);
  });
});

describe('folders opened for the containers’ user', () => {
  it('opens day and exercise folders (never files) only on Linux when the uid differs from the containers’', async () => {
    const { openDayFoldersForContainers } = await import('../../src/course/workspace.js');
    const fs = await import('node:fs');
    const { join } = await import('node:path');
    const os = await import('node:os');
    const day = tempDir('de-lab-day-');
    fs.mkdirSync(join(day, 'ex', 'data'), { recursive: true });
    fs.writeFileSync(join(day, 'ex', 'job.py'), 'print(1)\n', { mode: 0o644 });
    for (const dir of [day, join(day, 'ex'), join(day, 'ex', 'data')]) fs.chmodSync(dir, 0o755);
    const me = process.getuid!();
    expect(openDayFoldersForContainers(day, 1000, 'linux')).toBe(0);
    expect(openDayFoldersForContainers(day, me, 'darwin')).toBe(0);
    if (me !== 1000) {
      expect(openDayFoldersForContainers(day, me, 'linux')).toBe(3);
      expect(fs.statSync(join(day, 'ex')).mode & 0o777).toBe(0o777);
      expect(fs.statSync(join(day, 'ex', 'job.py')).mode & 0o777).toBe(0o644);
      expect(openDayFoldersForContainers(day, me, 'linux')).toBe(0);
    }
  });
});
