import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { MIRROR_BASE } from '../../src/stack/engines/mirror.js';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { startLoopbackSshd, type LoopbackSshd } from '../helpers/loopback-sshd.js';
import { stacksMounting } from '../helpers/stacks-under.js';
import { privateDockerConfig, startExtraEngine, type ExtraEngine } from '../helpers/extra-engine.js';

/**
 * `de-lab grade --engines` against the real engine plus one extra `dockerd` started here, with its
 * own data root, exec root, pid file and unix socket, in a network namespace of its own (entered
 * with nsenter, so the host's cgroup mounts stay visible), reached through a Docker context in a
 * private DOCKER_CONFIG, and as `ssh://…` through a loopback `sshd` of this test's own (own keys,
 * port and known_hosts; an `ssh` first on PATH reads only that config), so that de-lab's Engine API
 * calls, the image transfer and `docker compose` all take the ssh transport. The fixture day7 and
 * four quick learners of test/fixtures/grading/submissions-day7 (see grade.test.ts): graded on one
 * engine, then on both (over ssh), then with the extra engine (its context) stopped while it grades. Every process has TMPDIR under this test's
 * folder, so only the stacks this file made are looked for and removed.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const tag = randomBytes(3).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'de-lab-engines-it-'));
const submissions = join(work, 'submissions');
const scratch = join(work, 'tmp');
const dockerConfig = join(work, 'docker-config');
const root = join(work, 'engine');
const socket = join(root, 'docker.sock');
const context = `de-lab-it-${tag}`;
const sshDir = join(work, 'ssh');
const env = isolatedEnv({
  DE_LAB_LABS_DIR: labsDir,
  TMPDIR: scratch,
  DOCKER_CONFIG: dockerConfig,
  PATH: `${join(sshDir, 'bin')}:${process.env.PATH}`,
});
const grade = (args: string[]) =>
  deLab(['grade', 'day7', '--submissions', submissions, '--json', ...args], { env, timeout: 5 * 60_000 });
const extra = (args: string[]) => engine!.docker(args);
const isRoot = process.getuid?.() === 0;

interface Learner {
  learner: string;
  status: string;
  score: number;
  engine?: string;
  notes: string[];
  exercises: Array<{ id: string; status: string; score: number; checks: Array<{ id: string; status: string }> }>;
}
interface Results {
  seed: number;
  learners: Learner[];
  ungraded: string[];
  engines?: Array<{ name: string; learners: number; lost?: string; gaveBack?: string[] }>;
}

/** What must not depend on the engine that graded it. */
const outcome = (r: Results) =>
  r.learners.map((l) => ({
    learner: l.learner,
    status: l.status,
    score: l.score,
    exercises: l.exercises.map((e) => `${e.id}:${e.status}:${e.score}:${e.checks.map((c) => c.status).join(',')}`),
  }));

let engine: ExtraEngine | undefined;
let sshd: LoopbackSshd | undefined;

const ours = () => stacksMounting(work);

describe.skipIf(!isRoot)('de-lab grade --engines (a class on a pool of Docker engines)', () => {
  let single: Results;

  beforeAll(async () => {
    mkdirSync(scratch);
    privateDockerConfig(dockerConfig);
    for (const name of ['alice', 'bob', 'carol', 'dave'])
      cpSync(join(labsDir, 'submissions-day7', name), join(submissions, name), { recursive: true });
    // The extra engine does not see TMPDIR, where every grading stack's folder lives: it grades on
    // a copy of them carried over the Engine API (engines/mirror.ts), as an engine elsewhere would.
    engine = await startExtraEngine(root, tag, [scratch]);
    await execa('docker', ['context', 'create', context, '--docker', `host=unix://${socket}`], { env });
    sshd = await startLoopbackSshd(sshDir, `unix://${socket}`);
  }, 120_000);

  afterAll(async () => {
    await sshd?.stop().catch(() => undefined);
    await engine?.remove();
    for (const project of await ours())
      await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { reject: false });
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('runs the extra engine as a daemon of its own, in its own network namespace where `ip netns` works', async () => {
    const info = JSON.parse(String((await extra(['info', '--format', '{{json .}}'])).stdout));
    const here = JSON.parse(String((await execa('docker', ['info', '--format', '{{json .}}'])).stdout));
    expect(info.DockerRootDir).toBe(join(root, 'data'));
    expect(info.DockerRootDir).not.toBe(here.DockerRootDir);
    expect(engine!.ownNetns()).toBe(true);
  });

  it('grades across both engines (the extra one over ssh) with the scores of one engine, carrying the images over', async () => {
    const one = await grade(['--out', join(work, 'out-one')]);
    expect(one.exitCode, one.stderr).toBe(0);
    single = JSON.parse(one.stdout);
    expect(single.learners.every((l) => l.engine === undefined)).toBe(true);

    const ssh = sshd!.url;
    const two = await grade(['--out', join(work, 'out-two'), '--engines', `default=1,${ssh}=1`]);
    expect(two.exitCode, two.stderr).toBe(0);
    const pooled: Results = JSON.parse(two.stdout);
    expect(pooled.seed).toBe(single.seed);
    expect(outcome(pooled)).toEqual(outcome(single));
    expect(new Set(pooled.learners.map((l) => l.engine))).toEqual(new Set(['default', ssh]));
    expect(pooled.engines?.map((e) => e.name)).toEqual(['default', ssh]);
    // It went through sshd, with the test's key, and de-lab left no ssh connection open.
    expect(readFileSync(join(sshDir, 'sshd.log'), 'utf8')).toMatch(/Accepted publickey for /);
    const port = new URL(ssh).port;
    const sshLeft = async () => String((await execa('pgrep', ['-af', '--', `-p ${port} `], { reject: false })).stdout);
    for (let i = 0; i < 50 && (await sshLeft()) !== ''; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sshLeft()).toBe('');
    expect(pooled.engines?.reduce((sum, e) => sum + e.learners, 0)).toBe(4);
    // The day's image arrived with the same ID as on the default engine.
    const inspect = ['image', 'inspect', '-f', '{{.Id}}', 'debian:bookworm-slim'];
    const here = String((await execa('docker', inspect)).stdout);
    expect(String((await extra(inspect)).stdout)).toBe(here);
    // Nothing of the learners' stacks is left on the extra engine.
    expect(String((await extra(['ps', '-aq'])).stdout).trim()).toBe('');
    expect(String((await extra(['volume', 'ls', '-q'])).stdout).trim()).toBe('');
    // Its copies of the grading folders went with the stacks (the carrier itself stays).
    for (const id of existsSync(MIRROR_BASE) ? readdirSync(MIRROR_BASE) : [])
      expect(existsSync(join(MIRROR_BASE, id, scratch)) ? readdirSync(join(MIRROR_BASE, id, scratch)) : []).toEqual([]);
  }, 240_000);

  it('doctor --engine checks the extra engine over ssh and by its context: reachable, Compose, images, folders', async () => {
    const byId = (stdout: string): Record<string, { verdict: string; data?: any }> =>
      Object.fromEntries(
        (JSON.parse(stdout).checks as Array<{ id: string; verdict: string; data?: any }>).map((c) => [c.id, c]),
      );
    const ssh = await deLab(['doctor', '--engine', sshd!.url, '--json'], { env });
    const checks = byId(String(ssh.stdout));
    expect(checks.engine!.data.host).toBe(sshd!.url);
    expect(checks.engine!.verdict).toBe('ok');
    expect(checks.compose!.verdict).toBe('ok');
    // The pooled run carried day7's image there: that day lacks nothing on the extra engine.
    const day7 = checks.images!.data.days.find((d: { day: string }) => d.day === 'day7');
    expect(day7).toEqual({ day: 'day7', images: ['debian:bookworm-slim'], missing: [] });
    // Asked through ssh with a file only that run knew (in TMPDIR): this engine does not see it.
    expect(checks.folders).toMatchObject({ verdict: 'info', data: { sees: false } });
    // A context reaches the same engine (a unix socket here: on this machine, so not asked).
    const byContext = byId(String((await deLab(['doctor', '--engine', context, '--json'], { env })).stdout));
    expect(byContext.engine!.data).toMatchObject({ host: `unix://${socket}`, source: `context:${context}` });
    expect(byContext.folders).toBeUndefined();
    const unknown = await deLab(['doctor', '--engine', `no-such-${tag}`], { env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain(`There is no Docker context named no-such-${tag}.`);
  }, 120_000);

  it('gives the learners of an engine stopped mid-run back to the queue, graded on the other', async () => {
    const running = grade(['--out', join(work, 'out-lost'), '--engines', `default=1,${context}=1`]);
    // Stop the extra engine as soon as a learner's stack runs on it.
    for (let i = 0; i < 300 && String((await extra(['ps', '-q'])).stdout).trim() === ''; i++)
      await new Promise((r) => setTimeout(r, 100));
    await engine!.stop();
    const run = await running;
    expect(run.exitCode, run.stderr).toBe(0);
    const lost: Results = JSON.parse(run.stdout);
    expect(outcome(lost)).toEqual(outcome(single));
    expect(lost.ungraded).toEqual([]);
    const pooled = lost.engines!.find((e) => e.name === context)!;
    expect(pooled.lost).toMatch(/stopped answering/);
    expect(pooled.gaveBack!.length).toBeGreaterThan(0);
    for (const name of pooled.gaveBack!) {
      const learner = lost.learners.find((l) => l.learner === name)!;
      expect(learner.engine).toBe('default');
      expect(learner.notes.join(' ')).toMatch(new RegExp(`engine ${context} stopped answering`));
    }
  }, 240_000);

  it('leaves nothing behind: no stack on the default engine, the extra dockerd gone', async () => {
    expect(await ours()).toEqual([]);
    const left = await execa('pgrep', ['-f', root], { reject: false });
    expect(String(left.stdout).trim()).toBe('');
  });
});
