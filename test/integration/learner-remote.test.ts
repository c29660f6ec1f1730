import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { privateDockerConfig, startExtraEngine, type ExtraEngine } from '../helpers/extra-engine.js';
import { startLoopbackSshd, type LoopbackSshd } from '../helpers/loopback-sshd.js';
import { MIRROR_BASE } from '../../src/stack/engines/mirror.js';

/**
 * A learner whose stack runs on another machine's engine: an extra `dockerd` (own data root,
 * network namespace and mount namespace, where this test's home folder is an empty tmpfs, so the
 * engine does not see the workspace), reached over ssh through a loopback `sshd` and a Docker
 * context. The fixture day7: `start --context`, `check` and `run` there, compared with the same
 * commands on the default engine. Only this file's stacks, contexts and mirror folders are removed.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const tag = randomBytes(3).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'de-lab-remote-it-'));
const home = join(work, 'home');
const ws = join(home, 'ws');
const exerciseDir = join(ws, 'day7', 'seeded-squares');
const dockerConfig = join(work, 'docker-config');
const sshDir = join(work, 'ssh');
const context = `de-lab-remote-${tag}`;
const env = isolatedEnv({
  DE_LAB_LABS_DIR: labsDir,
  DOCKER_CONFIG: dockerConfig,
  PATH: `${join(sshDir, 'bin')}:${process.env.PATH}`,
});
const cli = (args: string[]) => deLab(args, { env, cwd: ws, timeout: 5 * 60_000 });
const far = (args: string[]) => cli([...args, '--context', context]);
const isRoot = process.getuid?.() === 0;
const solution = join(labsDir, 'day7', 'exercises', 'seeded-squares', 'solution', 'squares.sh');
const starter = join(labsDir, 'day7', 'exercises', 'seeded-squares', 'starter', 'squares.sh');

let engine: ExtraEngine | undefined;
let sshd: LoopbackSshd | undefined;

/** What must not depend on the engine a check ran on. */
const verdicts = (stdout: string) =>
  (JSON.parse(stdout).results as Array<{ exercise: string; passed: boolean; score: number; checks: any[] }>).map(
    (e) => `${e.exercise}:${e.passed}:${e.score}:${e.checks.map((c) => `${c.id}=${c.status}`).join(',')}`,
  );

describe.skipIf(!isRoot)('a learner on an engine of another machine (start --context, check, run)', () => {
  beforeAll(async () => {
    mkdirSync(home);
    privateDockerConfig(dockerConfig);
    engine = await startExtraEngine(join(work, 'engine'), tag, [home]);
    const load = await execa('sh', ['-c', `docker save debian:bookworm-slim | docker -H unix://${engine.socket} load`]);
    expect(load.exitCode).toBe(0);
    sshd = await startLoopbackSshd(sshDir, `unix://${engine.socket}`);
    await execa('docker', ['context', 'create', context, '--docker', `host=${sshd.url}`], { env });
    const init = await deLab(['init', ws, '--json'], { env, cwd: work });
    expect(init.exitCode, init.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await far(['stop', 'day7', '--yes']).catch(() => undefined);
    await cli(['stop', 'day7', '--yes']).catch(() => undefined);
    await sshd?.stop().catch(() => undefined);
    await engine?.remove();
    // The engine's copy of this test's folders, on this machine's disk (the extra engine's too).
    for (const dir of readdirSafe(MIRROR_BASE)) rmSync(join(MIRROR_BASE, dir, work), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('starts the day on that engine, which mounts its own copy of the workspace', async () => {
    const hidden = await engine!.docker(['run', '--rm', '-v', `${ws}:/w`, 'debian:bookworm-slim', 'ls', '-A', '/w']);
    expect(hidden.exitCode).toBe(0);
    expect(String(hidden.stdout).trim()).toBe(''); // the engine does not see this machine's workspace
    const started = await far(['start', 'day7', '--json']);
    expect(started.exitCode, started.stderr + started.stdout).toBe(0);
    expect(JSON.parse(started.stdout).engine.host).toBe(sshd!.url); // day7 publishes no port: no tunnel
    const ids = String(
      (await engine!.docker(['ps', '-q', '--filter', 'label=com.docker.compose.project=de-lab-day7'])).stdout,
    )
      .trim()
      .split('\n');
    expect(ids.filter(Boolean).length).toBe(1);
    const mounts = JSON.parse(String((await engine!.docker(['inspect', '-f', '{{json .Mounts}}', ids[0]!])).stdout));
    const day = mounts.find((m: { Destination: string }) => m.Destination === '/work/day7');
    expect(day.Source).toMatch(new RegExp(`^${MIRROR_BASE}/[0-9a-f]{16}${ws}/day7$`));
    // The copy holds the starter files `init` wrote here.
    const listed = await engine!.docker(['exec', ids[0]!, 'cat', '/work/day7/seeded-squares/squares.sh']);
    expect(String(listed.stdout).trim()).toBe(readFileSync(join(exerciseDir, 'squares.sh'), 'utf8').trim());
    // `status` finds the stack through the same context; the default engine runs no day7.
    expect((await far(['status', 'day7', '--json'])).exitCode).toBe(0);
  }, 240_000);

  it('checks the files edited here with the verdicts of the default engine, failing and passing', async () => {
    const remote: string[][] = [];
    for (const version of [starter, solution]) {
      cpSync(version, join(exerciseDir, 'squares.sh'));
      const checked = await far(['check', 'day7', 'seeded-squares', '--json']);
      expect([0, 1], checked.stderr).toContain(checked.exitCode);
      expect(JSON.parse(checked.stdout).results, checked.stdout).toBeDefined();
      remote.push(verdicts(checked.stdout));
    }
    expect(remote[0]!.join()).toMatch(/^seeded-squares:false:/);
    expect(remote[1]!.join()).toMatch(/^seeded-squares:true:/);
    expect(remote[1]!.join()).not.toMatch(/=(failed|skipped|error)/);
    // The same two versions on the default engine.
    const local = await cli(['start', 'day7', '--json']);
    expect(local.exitCode, local.stderr).toBe(0);
    for (const [i, version] of [starter, solution].entries()) {
      cpSync(version, join(exerciseDir, 'squares.sh'));
      expect(verdicts((await cli(['check', 'day7', 'seeded-squares', '--json'])).stdout)).toEqual(remote[i]);
    }
    expect((await cli(['stop', 'day7', '--yes'])).exitCode).toBe(0);
  }, 300_000);

  it('runs the program there and brings its outputs back into the workspace', async () => {
    cpSync(solution, join(exerciseDir, 'squares.sh'));
    rmSync(join(exerciseDir, 'out'), { recursive: true, force: true });
    const ran = await far(['run', 'day7', 'seeded-squares']);
    expect(ran.exitCode, ran.stderr).toBe(0);
    const out = join(exerciseDir, 'out', 'squares.csv');
    expect(existsSync(out)).toBe(true);
    expect(lstatSync(out).isFile()).toBe(true);
    expect(readFileSync(out, 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    // The carriers of the files came and went: none is left on the engine.
    const carriers = await engine!.docker(['ps', '-aq', '--filter', 'label=de-lab.purpose=mirror']);
    expect(String(carriers.stdout).trim()).toBe('');
  }, 120_000);

  it('says in one sentence when the context does not exist', async () => {
    const wrong = await cli(['status', 'day7', '--context', `no-such-${tag}`]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain(`There is no Docker context named no-such-${tag}.`);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
