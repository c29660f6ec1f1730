import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { snapshot } from '../helpers/snapshot.js';

/**
 * The judge apart from the judged, against the real engine, with the fixture day9 (its box runs
 * learner scripts as a user that is not root, as the days' services do; `grader` checks and the
 * grader-owned feed run in judge containers). Hostile learners inject verdict text and plant links
 * to a host folder at every level they can write; a hidden seed breaks the grader's own setup.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const solutions = join(labsDir, 'day9', 'exercises');
const work = mkdtempSync(join(tmpdir(), 'de-lab-judge-it-'));
const submissions = join(work, 'submissions');
const canary = join(work, 'host');
const env = isolatedEnv({ DE_LAB_LABS_DIR: labsDir });
const grade = (args: string[]) =>
  deLab(['grade', 'day9', '--submissions', submissions, '--json', ...args], { env, timeout: 5 * 60_000 });

function learner(name: string, files: Record<string, string>): void {
  for (const [exercise, script] of Object.entries(files)) {
    const dir = join(submissions, name, 'day9', exercise);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, exercise === 'sum-input' ? 'sum.sh' : 'count.sh'), script);
  }
}

/** Links to the host folder wherever this user can write, while its run goes on. */
const planter = `#!/bin/sh
C='${canary}'
M=$(dirname "$1")
ln -s "$C" "$M/host"
ln -s "$C/secret.txt" "$M/leak.txt"
mkdir -p "$M/deep/er" && ln -s "$C" "$M/deep/er/up" && ln -s ../../.. "$M/deep/climb"
rm -f "$M/input.txt"; ln -s "$C/secret.txt" "$M/input.txt"
ln -sfn "$C" /work/day9/.grading 2>/dev/null
mv /work/day9/.grading /work/day9/moved 2>/dev/null && ln -s "$C" /work/day9/.grading
mv "$M" "$M.away" 2>/dev/null && ln -s "$C" "$M"
chmod 777 /work/day9/.grading 2>/dev/null
echo 1
`;

type Learner = {
  learner: string;
  status: string;
  score: number;
  reason?: string;
  exercises: Array<{
    id: string;
    status: string;
    score: number;
    reason?: string;
    checks: Array<{ id: string; status: string; found?: string; message?: string }>;
  }>;
};
const byName = (run: { stdout: string }) =>
  Object.fromEntries((JSON.parse(run.stdout) as { learners: Learner[] }).learners.map((l) => [l.learner, l]));
const scores = (l: Record<string, Learner>) =>
  Object.fromEntries(Object.values(l).map((x) => [x.learner, `${x.status} ${x.score}`]));

describe('grading keeps the judge apart from the judged (fixture day9)', () => {
  let before: Record<string, string>;

  beforeAll(() => {
    mkdirSync(join(canary, 'e-learner'), { recursive: true });
    writeFileSync(join(canary, 'secret.txt'), '4242\n');
    writeFileSync(join(canary, 'e-learner', 'keep.txt'), 'keep me');
    before = snapshot(canary);
    const solution = (exercise: string, file: string) =>
      readFileSync(join(solutions, exercise, 'solution', file), 'utf8');
    learner('good', {
      'sum-input': solution('sum-input', 'sum.sh'),
      'count-lines': solution('count-lines', 'count.sh'),
    });
    // Prints what a line-matching grader took for a pass, and a verdict line with a guessed nonce.
    learner('injector', {
      'sum-input': `#!/bin/sh\nprintf 'PASS\\nDE-LAB-VERDICT 00000000000000000000000000000000 {"ok": true}\\nPASS all good\\n'\n`,
      'count-lines': `#!/bin/sh\necho '3\nPASS'\n`,
    });
    learner('planter', { 'sum-input': planter, 'count-lines': solution('count-lines', 'count.sh') });
    // Exits with the code by which the step's grader part says it failed: still only the learner's 0.
    learner('exiter', { 'sum-input': solution('sum-input', 'sum.sh'), 'count-lines': '#!/bin/sh\nexit 70\n' });
  });

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
  });

  it('grades on the structured verdict only, and no link leads de-lab to a host file', async () => {
    const run = await grade(['--out', join(work, 'out-1')]);
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    const l = byName(run);
    expect(scores(l)).toEqual({ good: 'graded 3', injector: 'graded 0', planter: 'graded 1', exiter: 'graded 2' });
    const injected = l.injector!.exercises.find((e) => e.id === 'sum-input')!.checks[0]!;
    expect(injected.status).toBe('failed');
    // The learner's text is shown escaped, on one line.
    expect(injected.found).toContain('PASS\\nDE-LAB-VERDICT');
    // The planter's links changed nothing on the host; its next exercise was graded as if alone.
    expect(snapshot(canary)).toEqual(before);
    expect(l.planter!.exercises.find((e) => e.id === 'count-lines')!.score).toBe(1);
  });

  it('gives the same scores with another grade running beside it', async () => {
    const [a, b] = await Promise.all([
      grade(['--out', join(work, 'out-2a'), '--parallel', '2']),
      grade(['--out', join(work, 'out-2b')]),
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(scores(byName(a))).toEqual({
      good: 'graded 3',
      injector: 'graded 0',
      planter: 'graded 1',
      exiter: 'graded 2',
    });
    expect(scores(byName(b))).toEqual(scores(byName(a)));
    expect(snapshot(canary)).toEqual(before);
  });

  it("records the grader's own failure as an error that --resume retries, never as the learner's 0", async () => {
    const out = join(work, 'out-13');
    const run = await grade(['--out', out, '--seed', '13']);
    const l = byName(run);
    for (const name of ['good', 'injector', 'planter', 'exiter']) {
      expect(l[name]!.status).toBe('error');
      const sum = l[name]!.exercises.find((e) => e.id === 'sum-input')!;
      expect(sum.status).toBe('error');
      expect(sum.reason).toMatch(
        /the grader's own step feed failed: exited with code 1: the number source is not ready/,
      );
      expect(l[name]!.exercises.find((e) => e.id === 'count-lines')!.status).toBe('graded');
    }
    expect(run.exitCode).not.toBe(0);
    const again = await grade(['--out', out, '--seed', '13', '--resume']);
    expect(Object.values(byName(again)).map((x) => x.status)).toEqual(['error', 'error', 'error', 'error']);
  });

  it("records a failure of the grader's part of a learner step (its graderExitCodes) as an error", async () => {
    const run = await grade(['--out', join(work, 'out-14'), '--seed', '14']);
    const l = byName(run);
    for (const name of ['good', 'injector', 'planter', 'exiter']) {
      const count = l[name]!.exercises.find((e) => e.id === 'count-lines')!;
      expect(count.status, name).toBe('error');
      expect(count.reason).toMatch(/the grader's own step run failed: the grader's own part failed \(exit 70\)/);
      expect(l[name]!.status).toBe('error');
    }
    expect(l.good!.exercises.find((e) => e.id === 'sum-input')!.score).toBe(2);
    expect(run.exitCode).not.toBe(0);
  });
});
