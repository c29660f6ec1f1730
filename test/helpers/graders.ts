import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { GraderFault, readVerdict, VERDICT_ENV, verdictNonce, type GraderVerdict } from '../../src/grading/verdict.js';

/**
 * Runs a day's grader (labs/dayN/gen) on a fixture folder and reads its verdict with de-lab's own
 * parser. A case runs on the host when the host has what the grader needs (its `probe` exits 0),
 * otherwise in the day's image: one `docker run --rm` container per image, with the gen folder
 * (with labs/shared/gen) and test/fixtures/graders mounted read-only, no network, each case a `docker exec` in it.
 * Day 2's `day2.rb` cases of one place run in one Ruby process (test/helpers/day2-batch.rb).
 */
export const root = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(root, 'test', 'fixtures', 'graders');
const BATCH = join(root, 'test', 'helpers', 'day2-batch.rb');
const IN_CONTAINER = {
  gen: '/opt/de-lab/gen',
  fixtures: '/fixtures',
  day2lib: '/opt/de-lab/day2lib',
  shared: '/opt/de-lab/shared',
  batch: '/opt/de-lab/test/day2-batch.rb',
};
type Paths = typeof IN_CONTAINER;

export interface GraderCase {
  /** dayN/subcommand/outcome: also the fixture folder under test/fixtures/graders. */
  name: string;
  /** The aspect or field the grader is asked about (`-` when it takes none). */
  key: string;
  day: string;
  /** The compose service whose image the grader runs in (its judge). */
  service: string;
  /** {gen}, {fixture} and {day2lib} are replaced by the host's or the container's paths. */
  argv: string[];
  /** The grader's working folder (placeholders as in argv), when it matters. */
  cwd?: string;
  /** A host command that exits 0 when the grader can run on the host. */
  probe: string[];
  /** The whole verdict; {fixture} in `found` stands for the fixture's path where the grader ran. */
  want: GraderVerdict;
}

const probes = new Map<string, boolean>();

export async function runsOnHost(c: GraderCase): Promise<boolean> {
  const key = c.probe.join('\0');
  if (!probes.has(key)) {
    const r = await execa(c.probe[0]!, c.probe.slice(1), { reject: false, timeout: 10_000 });
    probes.set(key, r.exitCode === 0);
  }
  return probes.get(key)!;
}

function fill(argv: string[], paths: Paths & { fixture: string }): string[] {
  return argv.map((a) =>
    a
      .replaceAll('{gen}', paths.gen)
      .replaceAll('{fixture}', paths.fixture)
      .replaceAll('{day2lib}', paths.day2lib)
      .replaceAll('{batch}', paths.batch),
  );
}

/** The case's expected verdict with the fixture path it ran on. */
export function wanted(c: GraderCase, where: Where): GraderVerdict {
  return { ...c.want, found: c.want.found.replaceAll('{fixture}', fixtureIn(c, where)) };
}

export type Where = 'host' | 'container';
const fixtureIn = (c: GraderCase, where: Where) =>
  where === 'host' ? join(FIXTURES, c.name) : `${IN_CONTAINER.fixtures}/${c.name}`;
const pathsIn = (c: GraderCase, where: Where): Paths =>
  where === 'host'
    ? {
        gen: join(root, 'labs', c.day, 'gen'),
        fixtures: FIXTURES,
        day2lib: join(root, 'labs', 'day2', 'gen', 'lib'),
        shared: join(root, 'labs', 'shared', 'gen'),
        batch: BATCH,
      }
    : IN_CONTAINER;

interface Output {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}
type Exec = (c: GraderCase, argv: string[], env: Record<string, string>, input?: string) => Promise<Output>;

/** A verdict, or the GraderFault's message when the grader gave none (a test then fails with it). */
export type Outcome = GraderVerdict | { fault: string };

/**
 * Every case's outcome. Day 2's day2.rb cases go in one batch per place; the others one process
 * each, two at a time, next to the batch.
 */
export async function runCases(cases: GraderCase[], where: Where, exec: Exec): Promise<Map<GraderCase, Outcome>> {
  const results = new Map<GraderCase, Outcome>();
  const batched = cases.filter((c) => c.argv[1] === '{gen}/day2.rb');
  const single = cases.filter((c) => !batched.includes(c));
  const batch = async () => {
    if (!batched.length) return;
    const nonce = verdictNonce();
    const argvs = batched.map((c) => fill(c.argv, { ...pathsIn(c, where), fixture: fixtureIn(c, where) }).slice(2));
    const c0 = batched[0]!;
    const argv = fill(['ruby', '{batch}', '{gen}/day2.rb'], { ...pathsIn(c0, where), fixture: '' });
    const out = await exec(c0, argv, { [VERDICT_ENV]: nonce }, JSON.stringify(argvs));
    const parts = out.stdout.split(/^DE-LAB-BATCH-END (-?\d+)$\n?/m);
    batched.forEach((c, i) => {
      const stdout = parts[2 * i];
      const code = parts[2 * i + 1];
      results.set(
        c,
        code === undefined
          ? { fault: `the batch stopped before this case (exit ${out.exitCode}): ${out.stderr.slice(-500)}` }
          : outcome({ exitCode: Number(code), stdout: stdout ?? '', stderr: out.stderr, timedOut: false }, nonce),
      );
    });
  };
  const singles = async () => {
    for (let i = 0; i < single.length; i += 2)
      await Promise.all(
        single.slice(i, i + 2).map(async (c) => {
          const nonce = verdictNonce();
          const argv = fill(c.argv, { ...pathsIn(c, where), fixture: fixtureIn(c, where) });
          results.set(c, outcome(await exec(c, argv, { [VERDICT_ENV]: nonce }), nonce));
        }),
      );
  };
  await Promise.all([batch(), singles()]);
  return results;
}

function outcome(out: Output, nonce: string): Outcome {
  try {
    return readVerdict(out, nonce);
  } catch (error) {
    if (error instanceof GraderFault) return { fault: error.message };
    throw error;
  }
}

export const onHost: Exec = async (c, argv, env, input) => {
  const paths = { ...pathsIn(c, 'host'), fixture: fixtureIn(c, 'host') };
  const r = await execa(argv[0]!, argv.slice(1), {
    reject: false,
    timeout: 60_000,
    env,
    input,
    cwd: c.cwd ? fill([c.cwd], paths)[0] : undefined,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
};

/** The image a day's compose file gives a service, with de-lab's default prefix. */
export function imageOf(day: string, service: string): string {
  const compose = parse(readFileSync(join(root, 'labs', day, 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image: string }>;
  };
  const image = compose.services[service]?.image;
  if (!image) throw new Error(`labs/${day}/compose.yaml has no service ${service}`);
  return image.replace(/\$\{DE_LAB_IMAGE_PREFIX:-([^}]*)\}/, process.env.DE_LAB_IMAGE_PREFIX ?? '$1');
}

/** One resting `docker run --rm` container per (day, service), each case a `docker exec`; close() removes them. */
export class GraderContainers {
  private readonly started = new Map<string, Promise<string>>();

  private container(day: string, service: string): Promise<string> {
    const key = `${day}/${service}`;
    if (!this.started.has(key)) {
      const name = `de-lab-grader-tests-${process.pid}-${randomBytes(4).toString('hex')}`;
      const mounts = [
        [join(root, 'labs', day, 'gen'), IN_CONTAINER.gen],
        [join(root, 'labs', 'day2', 'gen', 'lib'), IN_CONTAINER.day2lib],
        [join(root, 'labs', 'shared', 'gen'), IN_CONTAINER.shared],
        [FIXTURES, IN_CONTAINER.fixtures],
        [BATCH, IN_CONTAINER.batch],
      ].flatMap(([from, to]) => ['-v', `${from}:${to}:ro`]);
      const run = execa('docker', [
        ...['run', '--rm', '-d', '--name', name, '--network', 'none', '--entrypoint', 'sleep', ...mounts],
        ...[imageOf(day, service), '600'],
      ]).then(() => name);
      this.started.set(key, run);
    }
    return this.started.get(key)!;
  }

  exec: Exec = async (c, argv, env, input) => {
    const name = await this.container(c.day, c.service);
    const paths = { ...IN_CONTAINER, fixture: fixtureIn(c, 'container') };
    const cwd = c.cwd ? ['-w', fill([c.cwd], paths)[0]!] : [];
    const envs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const r = await execa('docker', ['exec', '-i', ...envs, ...cwd, name, ...argv], {
      reject: false,
      timeout: 120_000,
      input: input ?? '',
    });
    return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
  };

  async close(): Promise<void> {
    const names = await Promise.allSettled(this.started.values());
    for (const n of names)
      if (n.status === 'fulfilled') await execa('docker', ['rm', '-f', n.value], { reject: false });
  }
}
