import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { tarGzBytes, zipBytes, type TarEntry, type ZipEntry } from '../unit/grade-archives.js';

/**
 * `de-lab grade` against the real engine and the small fixture course day7 (seeded-squares:
 * a command in the day's `box` service compared with the reference; image-user: a docker build).
 * The submissions are test/fixtures/grading/submissions-day7 (see its README), packed here as
 * folders, a .tar.gz and a .zip, plus a zip-slip archive.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const fixtures = join(labsDir, 'submissions-day7');
const work = mkdtempSync(join(tmpdir(), 'de-lab-grade-it-'));
const submissions = join(work, 'submissions');
const env = isolatedEnv({ DE_LAB_LABS_DIR: labsDir });
const grade = (args: string[]) =>
  deLab(['grade', 'day7', '--submissions', submissions, ...args], { env, timeout: 5 * 60_000 });

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name), base) : [relative(base, join(dir, name))],
  );
}

async function leftovers(): Promise<string[]> {
  const ps = await execa('docker', ['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}'], {
    reject: false,
  });
  return String(ps.stdout)
    .split('\n')
    .filter((p) => p.startsWith('de-lab-grade-day7-'));
}

interface Learner {
  learner: string;
  status: string;
  score: number;
  maxScore: number;
  reason?: string;
  notes: string[];
  gradedAt: string;
  seed: number;
  exercises: Array<{
    id: string;
    status: string;
    score: number;
    reason?: string;
    checks: Array<{ id: string; status: string; points: number; found?: string }>;
  }>;
}

const byName = (results: { learners: Learner[] }) => Object.fromEntries(results.learners.map((l) => [l.learner, l]));
/** What must not depend on timing or on which grader ran it. */
/** A reason without the program's own last words (a fork bomb's shell words them differently each time). */
const cause = (reason?: string) => reason?.replace(/(exited with code \d+): .*/, '$1');
const outcome = (l: Learner) => ({
  learner: l.learner,
  status: l.status,
  score: l.score,
  reason: cause(l.reason),
  exercises: l.exercises.map((e) => ({
    id: e.id,
    status: e.status,
    score: e.score,
    reason: cause(e.reason),
    checks: e.checks.map((c) => `${c.id}:${c.status}:${c.points}`),
  })),
});
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('de-lab grade (instructor grading of a class)', () => {
  let serial: { learners: Learner[]; maxScore: number; stats: { checks: unknown[] } };
  const out1 = join(work, 'out-serial');

  beforeAll(async () => {
    for (const name of ['carol', 'dave', 'erin', 'frank'])
      cpSync(join(fixtures, name), join(submissions, name), { recursive: true });
    const alice = join(fixtures, 'alice');
    const tar: TarEntry[] = files(alice).map((f) => ({
      name: `alice/${f}`,
      data: readFileSync(join(alice, f), 'utf8'),
      mode: 0o755,
    }));
    writeFileSync(join(submissions, 'alice.tar.gz'), await tarGzBytes(tar));
    const bob = join(fixtures, 'bob');
    const zip: ZipEntry[] = files(bob).map((f) => ({ name: f, data: readFileSync(join(bob, f)) }));
    writeFileSync(join(submissions, 'bob.zip'), zipBytes(zip));
    writeFileSync(
      join(submissions, 'mallory.zip'),
      zipBytes([
        {
          name: 'day7/seeded-squares/squares.sh',
          data: readFileSync(join(fixtures, 'alice/day7/seeded-squares/squares.sh')),
        },
        { name: '../../evil.sh', data: 'echo pwned\n' },
      ]),
    );
  });

  afterAll(async () => {
    for (const project of await leftovers())
      await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { reject: false });
    rmSync(work, { recursive: true, force: true });
  });

  it('grades every submission on its own and records scores and reasons', async () => {
    const run = await grade(['--out', out1, '--json']);
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    serial = JSON.parse(run.stdout);
    const l = byName(serial);
    expect(Object.keys(l).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'mallory']);
    expect(serial.maxScore).toBe(6);
    const scores = Object.fromEntries(Object.values(l).map((x) => [x.learner, `${x.status} ${x.score}/${x.maxScore}`]));
    expect(scores).toEqual({
      alice: 'graded 6/6',
      bob: 'graded 4/6',
      carol: 'graded 1/6',
      dave: 'graded 6/6',
      erin: 'graded 2/6',
      frank: 'graded 2/6',
      mallory: 'rejected 0/6',
    });
    expect(l.alice!.reason).toBeUndefined();
    expect(l.bob!.exercises.find((e) => e.id === 'image-user')!.checks.map((c) => c.status)).toEqual([
      'failed',
      'failed',
    ]);
    expect(l.carol!.exercises.find((e) => e.id === 'seeded-squares')!.checks.map((c) => `${c.id}:${c.status}`)).toEqual(
      ['output-exists:passed', 'same-as-reference:failed'],
    );
    // The hanging script is stopped at the step's deadline; its checks earn nothing, the other exercise counts.
    expect(l.erin!.reason).toBe('seeded-squares: step run failed: timed out after 20 s without any output');
    expect(l.erin!.exercises[0]!.checks.every((c) => c.status === 'skipped')).toBe(true);
    // The fork bomb hits the pids limit of its own box; the stack is recreated; image-user still passes.
    expect(l.frank!.reason, JSON.stringify(l.frank, null, 1)).toMatch(
      /^seeded-squares: step run failed: exited with code 2: .*Cannot fork$/,
    );
    expect(l.frank!.notes.join('\n')).toMatch(/the pids limit of box \(64\) refused \d+ forks/);
    expect(l.frank!.notes.join('\n')).toMatch(/seeded-squares: the private stack was recreated for the next exercise/);
    expect(l.frank!.notes.join('\n')).not.toMatch(/image-user:/);
    expect(l.frank!.exercises.find((e) => e.id === 'image-user')!.score).toBe(2);
    // The lab's resident helper (test/fixtures/grading/day7/lab.yaml) started with every stack, before
    // its baseline: nobody's notes hold it as a leftover or a helper that failed.
    for (const x of Object.values(l)) expect(x.notes.join('\n')).not.toMatch(/resident|tail -f/);
    expect(l.mallory!.reason).toBe('entry "../../evil.sh" uses ".." to point outside the submission (path traversal)');
    expect(l.mallory!.exercises.every((e) => e.status === 'not-run' && e.score === 0)).toBe(true);
    expect(existsSync(join(work, 'evil.sh')) || existsSync(join(tmpdir(), 'evil.sh'))).toBe(false);
    // Nothing is left running, and the engine is fine.
    expect(await leftovers()).toEqual([]);
    expect((await execa('docker', ['info', '--format', '{{.ServerVersion}}'])).exitCode).toBe(0);
    const images = await execa('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(
      String(images.stdout)
        .split('\n')
        .filter((t) => /:l-(alice|bob|carol|dave|erin|frank)$/.test(t)),
    ).toEqual([]);
  });

  it('writes results.json, gradebook.csv, junit.xml and HTML reports that agree', () => {
    const results = readJson(join(out1, 'results.json'));
    expect(results.learners.map(outcome)).toEqual(serial.learners.map(outcome));
    const csv = readFileSync(join(out1, 'gradebook.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toBe('learner,seeded-squares [4],image-user [2],total [6],percent,status,reason');
    for (const learner of serial.learners) {
      const row = csv.find((line) => line.startsWith(`${learner.learner},`))!;
      const cells = row.split(',');
      expect(cells.slice(1, 4).map(Number)).toEqual([...learner.exercises.map((e) => e.score), learner.score]);
      expect(cells[5]).toBe(learner.status);
    }
    const junit = readFileSync(join(out1, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(7);
    expect(junit.match(/<testcase /g)).toHaveLength(28);
    const passed = serial.learners
      .flatMap((l) => l.exercises.flatMap((e) => e.checks))
      .filter((c) => c.status === 'passed').length;
    expect(junit.match(/<failure /g)).toHaveLength(28 - passed);
    expect(junit).toContain(
      '<testsuites name="de-lab grade day7" tests="28" failures="' + (28 - passed) + '" errors="0"',
    );
    const classPage = readFileSync(join(out1, 'class.html'), 'utf8');
    expect(classPage.match(/<svg /g)).toHaveLength(2);
    expect(classPage).not.toMatch(/<script|<link|src=|(href|src)="(https?:)?\/\//);
    for (const role of ['l-alice', 'l-bob', 'l-carol', 'l-dave', 'l-erin', 'l-frank', 'l-mallory'])
      expect(existsSync(join(out1, 'learners', `${role}.html`))).toBe(true);
    expect(readFileSync(join(out1, 'learners', 'l-erin.html'), 'utf8')).toContain('timed out after 20 s');
  });

  it('refuses to overwrite a graded folder without --resume or --only', async () => {
    const run = await grade(['--out', out1]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('already holds the results of a grading run');
    expect(run.stderr).toContain('--resume');
  });

  it('regrades one learner with --only and keeps the others', async () => {
    const before = byName(readJson(join(out1, 'results.json')));
    const run = await grade(['--out', out1, '--only', 'bob']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('1 of 7 submissions to grade');
    expect(run.stdout).toMatch(/bob\s+4\/4\s+0\/2\s+4\/6/);
    const after = byName(readJson(join(out1, 'results.json')));
    expect(after.bob!.gradedAt).not.toBe(before.bob!.gradedAt);
    for (const name of ['alice', 'carol', 'dave', 'erin', 'frank', 'mallory'])
      expect(after[name]!.gradedAt).toBe(before[name]!.gradedAt);
  });

  it('continues an interrupted run with --resume, grading only the learners not done', async () => {
    const before = byName(readJson(join(out1, 'results.json')));
    rmSync(join(out1, 'learners', 'l-carol.json'));
    const run = await grade(['--out', out1, '--resume']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('1 of 7 submissions to grade, 6 kept from before');
    const after = byName(readJson(join(out1, 'results.json')));
    expect(Object.keys(after)).toHaveLength(7);
    expect(outcome(after.carol!)).toEqual(outcome(before.carol!));
    expect(after.carol!.gradedAt).not.toBe(before.carol!.gradedAt);
    for (const name of ['alice', 'bob', 'dave', 'erin', 'frank', 'mallory'])
      expect(after[name]!.gradedAt).toBe(before[name]!.gradedAt);
  });

  it("starts the lab's resident helper again when a learner's run ends it", async () => {
    const alone = join(work, 'submissions-ivan');
    cpSync(join(fixtures, 'alice'), join(alone, 'ivan'), { recursive: true });
    const script = join(alone, 'ivan', 'day7', 'seeded-squares', 'squares.sh');
    const kill = 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = tail ] && kill "${p#/proc/}"; done\n';
    writeFileSync(script, kill + readFileSync(script, 'utf8'));
    const run = await deLab(['grade', 'day7', '--submissions', alone, '--out', join(work, 'out-ivan'), '--json'], {
      env,
      timeout: 5 * 60_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const ivan = byName(JSON.parse(run.stdout)).ivan!;
    expect(`${ivan.score}/${ivan.maxScore}`).toBe('6/6');
    expect(ivan.notes).toEqual([
      "seeded-squares: the grader's resident helper in box had ended during the run; it was started again for the next exercise",
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it('catches output hard-coded for the course seed under a hidden --seed', async () => {
    const run = await grade(['--out', join(work, 'out-hidden'), '--only', 'dave', '--seed', '7', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const dave = byName(JSON.parse(run.stdout)).dave!;
    expect(dave.seed).toBe(7);
    expect(`${dave.score}/${dave.maxScore}`).toBe('3/6');
    expect(dave.exercises[0]!.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'output-exists:passed',
      'same-as-reference:failed',
    ]);
    expect(readFileSync(join(work, 'out-hidden', 'learners', 'l-dave.html'), 'utf8')).not.toContain('seed 7');
  });

  it('gives the same results with --parallel 2 as serially', async () => {
    const run = await grade(['--out', join(work, 'out-parallel'), '--parallel', '2', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const parallel = JSON.parse(run.stdout);
    expect(parallel.parallel).toBe(2);
    expect(new Set(parallel.learners.map((l: { worker: number }) => l.worker))).toEqual(new Set([1, 2]));
    expect(parallel.learners.map(outcome)).toEqual(serial.learners.map(outcome));
    expect(await leftovers()).toEqual([]);
  });
});
