import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { bin, deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

/**
 * A learner's whole loop against a real (tiny) stack: init, start, check a starter (fails),
 * edit, check (passes), progress, solution --apply (backs up), reset (backs up), stop.
 * The course is the grading fixture day7: one debian container, so the loop takes seconds.
 */
const root = mkdtempSync(join(tmpdir(), 'de-lab-flow-'));
const ws = join(root, 'ws');
const env = isolatedEnv({ DE_LAB_LABS_DIR: join(repoRoot, 'test', 'fixtures', 'grading') });
const run = (args: string[]) => deLab(args, { env, cwd: existsSync(ws) ? ws : root });
const squares = join(ws, 'day7', 'seeded-squares', 'squares.sh');

type CliOut = Awaited<ReturnType<typeof run>>;

interface CheckJson {
  results: Array<{
    exercise: string;
    score: number;
    maxScore: number;
    passed: boolean;
    checks: Array<{ id: string; status: string; found?: string }>;
  }>;
}

describe('learner workflow on a real stack', () => {
  let before: { hints: CliOut; exercise: CliOut };

  beforeAll(async () => {
    // Before any workspace exists: reading an exercise and listing the hints need none.
    before = {
      hints: await run(['hint', 'day7', '--json']),
      exercise: await run(['exercise', 'day7', 'seeded-squares']),
    };
    const init = await run(['init', ws, '--json']);
    expect(init.exitCode, init.stderr).toBe(0);
    const start = await run(['start', 'day7', '--yes', '--json']);
    expect(start.exitCode, start.stderr).toBe(0);
  });

  afterAll(async () => {
    await run(['stop', 'day7', '--purge', '--yes']);
  });

  it('shows an exercise and lists the hints before there is a workspace', () => {
    expect(before.hints.exitCode, before.hints.stderr).toBe(0);
    const listed = JSON.parse(before.hints.stdout) as {
      exercises: Array<{ id: string; revealed: number; total: number }>;
    };
    expect(listed.exercises.map((e) => `${e.id} ${e.revealed}/${e.total}`)).toEqual([
      'seeded-squares 0/1',
      'image-user 0/1',
    ]);
    expect(before.exercise.exitCode, before.exercise.stderr).toBe(0);
    expect(before.exercise.stdout).toContain('day7/seeded-squares/squares.sh');
    expect(before.exercise.stdout).toContain('No workspace yet: `de-lab init`');
  });

  it('init copies the starters and remembers the workspace', async () => {
    expect(readFileSync(squares, 'utf8')).toContain('TODO');
    expect(existsSync(join(ws, 'README.md'))).toBe(true);
    // A second folder (a learner's copy an instructor looks at) does not silently become the default.
    const other = await run(['init', join(root, 'other')]);
    expect(other.stdout).toContain(`Your default workspace stays ${ws}`);
    expect((await run(['config', 'get', 'workspace'])).stdout.trim()).toBe(ws);
  });

  it('a starter fails its check, with what was expected and found, and exits 1', async () => {
    const check = await run(['check', 'day7', 'seeded-squares', '--json']);
    expect(check.exitCode).toBe(1);
    const result = (JSON.parse(check.stdout) as CheckJson).results[0]!;
    expect(result.passed).toBe(false);
    expect(result.score).toBe(1);
    expect(result.maxScore).toBe(4);
    expect(result.checks.find((c) => c.id === 'same-as-reference')?.status).toBe('failed');
  });

  it("the learner's fix passes, and progress records it", async () => {
    writeFileSync(squares, readFileSync(squares, 'utf8').replace('n * 2', 'n * n'));
    const check = await run(['check', 'day7', 'seeded-squares']);
    expect(check.exitCode, check.stdout).toBe(0);
    expect(check.stdout).toContain('passed: 4/4 pt');
    const progress = JSON.parse((await run(['progress', '--json'])).stdout) as {
      total: { done: number; total: number; score: number };
    };
    expect(progress.total).toMatchObject({ done: 1, score: 4 });
  });

  it('progress survives a restart of the stack', async () => {
    expect((await run(['stop', 'day7', '--yes'])).exitCode).toBe(0);
    expect((await run(['start', 'day7', '--yes'])).exitCode).toBe(0);
    const progress = JSON.parse((await run(['progress', '--json'])).stdout) as { total: { done: number } };
    expect(progress.total.done).toBe(1);
  });

  it('watch checks at once, then again when the exercise file is saved', async () => {
    writeFileSync(squares, readFileSync(squares, 'utf8').replace('n * n', 'n * 2'));
    const watcher = execa(
      'node',
      [bin, 'watch', 'day7', 'seeded-squares', '--runs', '2', '--debounce', '200', '--json'],
      { env, extendEnv: false, cwd: ws, reject: false, timeout: 120_000 },
    );
    const lines: string[] = [];
    let fixed = false;
    watcher.stdout!.on('data', (chunk: Buffer) => {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (!fixed && lines.length >= 1) {
        fixed = true;
        writeFileSync(squares, readFileSync(squares, 'utf8').replace('n * 2', 'n * n'));
      }
    });
    const done = await watcher;
    const runs = lines.map((line) => JSON.parse(line) as { run: number; results: Array<{ passed: boolean }> });
    expect(runs.map((r) => [r.run, r.results[0]!.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(done.exitCode).toBe(0);
  });

  it('solution --apply and reset back up the learner file before replacing it', async () => {
    const mine = '#!/bin/sh\n# my own attempt\necho "n,square"\n';
    writeFileSync(squares, mine);
    const applied = await run(['solution', 'day7', 'seeded-squares', '--apply', '--yes', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const backupDir = (JSON.parse(applied.stdout) as { applied: { backupDir: string } }).applied.backupDir;
    expect(readFileSync(join(backupDir, 'day7', 'seeded-squares', 'squares.sh'), 'utf8')).toBe(mine);
    expect(readFileSync(squares, 'utf8')).toContain('n * n');

    const reset = await run(['reset', 'day7', 'seeded-squares', '--yes']);
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(readFileSync(squares, 'utf8')).toContain('TODO');
    const backups = readdirSync(join(ws, '.de-lab', 'backups'));
    const solved = backups
      .map((b) => join(ws, '.de-lab', 'backups', b, 'day7', 'seeded-squares', 'squares.sh'))
      .filter(existsSync);
    expect(solved.map((f) => readFileSync(f, 'utf8'))).toEqual(
      expect.arrayContaining([mine, expect.stringContaining('n * n')]),
    );
  });
});
