import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { stacksMounting } from '../helpers/stacks-under.js';

/**
 * `de-lab grade --shard K/N` as two processes at once, then `grade merge`, against the real engine
 * and the fixture day7 (see grade.test.ts): the merged run equals a single run. Four quick learners
 * of test/fixtures/grading/submissions-day7; every process has its own TMPDIR under this test's
 * folder, so only the stacks this file made are looked for and removed.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const work = mkdtempSync(join(tmpdir(), 'de-lab-grade-shards-it-'));
const submissions = join(work, 'submissions');
const scratch = join(work, 'tmp');
mkdirSync(scratch);
const env = isolatedEnv({ DE_LAB_LABS_DIR: labsDir, TMPDIR: scratch });
const run = (args: string[]) => deLab(args, { env, timeout: 5 * 60_000 });
const grade = (args: string[]) => run(['grade', 'day7', '--submissions', submissions, '--json', ...args]);

interface Learner {
  learner: string;
  status: string;
  score: number;
  reason?: string;
  seed: number;
  exercises: Array<{
    id: string;
    status: string;
    score: number;
    checks: Array<{ id: string; status: string; points: number }>;
  }>;
}
interface Results {
  seed: number;
  maxScore: number;
  learners: Learner[];
  stats: unknown;
  shard?: { index: number; count: number; classSize: number; assigned: string[] };
}

/** What must not depend on timing or on which process graded it. */
const outcome = (r: Results) => ({
  seed: r.seed,
  maxScore: r.maxScore,
  stats: r.stats,
  learners: r.learners.map((l) => ({
    learner: l.learner,
    status: l.status,
    score: l.score,
    reason: l.reason,
    exercises: l.exercises.map((e) => ({
      id: e.id,
      status: e.status,
      score: e.score,
      checks: e.checks.map((c) => `${c.id}:${c.status}:${c.points}`),
    })),
  })),
});

const ours = () => stacksMounting(work);

describe('de-lab grade --shard and grade merge', () => {
  for (const name of ['alice', 'bob', 'carol', 'dave'])
    cpSync(join(labsDir, 'submissions-day7', name), join(submissions, name), { recursive: true });

  afterAll(async () => {
    for (const project of await ours())
      await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { reject: false });
    rmSync(work, { recursive: true, force: true });
  });

  it('two shards graded at once and merged equal a single run', async () => {
    const single = await grade(['--out', join(work, 'single')]);
    expect(single.exitCode, single.stderr + single.stdout).toBe(0);
    const [one, two] = await Promise.all([
      grade(['--shard', '1/2', '--out', join(work, 'shard-1')]),
      grade(['--shard', '2/2', '--out', join(work, 'shard-2')]),
    ]);
    expect(one.exitCode, one.stderr + one.stdout).toBe(0);
    expect(two.exitCode, two.stderr + two.stdout).toBe(0);
    const parts = [JSON.parse(one.stdout) as Results, JSON.parse(two.stdout) as Results];
    expect(parts.map((p) => p.learners.map((l) => l.learner))).toEqual([
      ['alice', 'carol'],
      ['bob', 'dave'],
    ]);
    expect(parts.map((p) => [p.shard!.index, p.shard!.count, p.shard!.classSize])).toEqual([
      [1, 2, 4],
      [2, 2, 4],
    ]);

    const merged = await run([
      'grade',
      'merge',
      join(work, 'shard-1'),
      join(work, 'shard-2'),
      '--out',
      join(work, 'merged'),
      '--json',
    ]);
    expect(merged.exitCode, merged.stderr + merged.stdout).toBe(0);
    expect(merged.stderr).toBe('');
    const expected = outcome(JSON.parse(single.stdout) as Results);
    expect(outcome(JSON.parse(merged.stdout) as Results)).toEqual(expected);
    expect(outcome(JSON.parse(readFileSync(join(work, 'merged', 'results.json'), 'utf8')) as Results)).toEqual(
      expected,
    );
    expect(
      readFileSync(join(work, 'merged', 'gradebook.csv'), 'utf8')
        .split('\n')
        .slice(1, 5)
        .map((l) => l.split(',')[0]),
    ).toEqual(
      readFileSync(join(work, 'single', 'gradebook.csv'), 'utf8')
        .split('\n')
        .slice(1, 5)
        .map((l) => l.split(',')[0]),
    );
    expect(await ours()).toEqual([]);
  });

  it('names a missing shard and refuses a shard given twice', async () => {
    const half = await run(['grade', 'merge', join(work, 'shard-1'), '--out', join(work, 'half')]);
    expect(half.exitCode, half.stderr).toBe(0);
    expect(half.stderr).toContain('Shard 2/2 is missing');
    const twice = await run([
      'grade',
      'merge',
      join(work, 'shard-1'),
      join(work, 'shard-1'),
      '--out',
      join(work, 'twice'),
    ]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toMatch(/are both shard 1\/2\./);
    const bad = await grade(['--shard', '3/2', '--out', join(work, 'bad')]);
    expect(bad.exitCode).toBe(2);
    expect(JSON.parse(bad.stdout).error.message).toBe('Shard 3/2 does not exist: K must be from 1 to 2.');
  });
});
