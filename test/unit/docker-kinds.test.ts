import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  dockerContainerKind,
  dockerImageKind,
  firstDifference,
  isRoot,
  judgeUnderFault,
  pickFault,
  unhealthyAt,
} from '../../src/grading/kinds/docker.js';
import { checkSchema, stepSchema, type Check } from '../../src/grading/schema.js';

type ImageCheck = Extract<Check, { kind: 'docker-image' }>;
type ContainerCheck = Extract<Check, { kind: 'docker-container' }>;

const title = { en: 't', ko: 't' };
const imageCheck = (extra: Record<string, unknown>) =>
  checkSchema.parse({ id: 'c', title, kind: 'docker-image', image: 'img:1', expect: {}, ...extra }) as ImageCheck;
const containerCheck = (expect: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  checkSchema.parse({
    id: 'c',
    title,
    kind: 'docker-container',
    project: 'p',
    service: 'app',
    expect,
    ...extra,
  }) as ContainerCheck;

/** What docker-image's observe returns for a well-built image. */
const image = (over: Record<string, unknown> = {}) => ({
  exists: true,
  user: 'summarize',
  entrypoint: ['python3', '/app/summarize.py'],
  cmd: ['--column', 'amount'],
  exposedPorts: [],
  sizeMB: 120.4,
  env: { PATH: '/usr/bin' },
  workdir: '/app',
  layers: ['sha256:a', 'sha256:b'],
  baseLayers: ['sha256:a'],
  run: undefined as unknown,
  ...over,
});

/** What docker-container's observe returns for a running, healthy service container. */
const container = (over: Record<string, unknown> = {}) => ({
  exists: true,
  state: 'running',
  health: 'healthy',
  exitCode: 0,
  oomKilled: false,
  startedAt: '2026-01-01T00:00:10Z',
  restartCount: 0,
  memoryLimitBytes: 67108864,
  pidsLimit: 0,
  publishedPorts: [],
  mounts: [{ type: 'volume', destination: '/var/lib/mysql', name: 'p_dbdata' }],
  networks: ['p_backend'],
  env: { DB_HOST: 'db' },
  after: {},
  logs: undefined as string | undefined,
  underFault: undefined as unknown,
  ...over,
});

describe('docker-image judge', () => {
  it('treats every spelling of uid 0 as root', () => {
    for (const user of ['', 'root', '0', '00', '0:0', '000:10001', 'root:staff', ' 0'])
      expect(isRoot(user), user).toBe(true);
    for (const user of ['summarize', '10001', '10001:0', 'nobody', '1000:1000']) expect(isRoot(user), user).toBe(false);
    const check = imageCheck({ expect: { user: 'non-root' } });
    expect(dockerImageKind.judge(check, image({ user: '00' }), undefined)).toMatchObject({
      ok: false,
      found: 'USER 00',
    });
    expect(dockerImageKind.judge(check, image({ user: '' }), undefined)).toMatchObject({
      ok: false,
      found: 'no USER (runs as root)',
    });
    expect(dockerImageKind.judge(check, image(), undefined).ok).toBe(true);
    // `useradd -o -u 0 admin` + `USER admin`: the name is not root, its uid in /etc/passwd is.
    expect(dockerImageKind.judge(check, image({ user: 'admin', uid: '0' }), undefined)).toMatchObject({
      ok: false,
      found: 'USER admin, which is uid 0: root under another name',
    });
    expect(dockerImageKind.judge(check, image({ user: 'admin', uid: '10001' }), undefined).ok).toBe(true);
    expect(dockerImageKind.judge(check, image({ user: 'ghost', uid: 'unknown' }), undefined)).toMatchObject({
      ok: false,
      found: "USER ghost, which the image's /etc/passwd does not name",
    });
    // An /etc/passwd too large (or otherwise impossible) to read proves nothing: fail closed.
    const unreadable = dockerImageKind.judge(check, image({ user: 'summarize', uid: 'unreadable' }), undefined);
    expect(unreadable.ok).toBe(false);
    expect(unreadable.found).toMatch(/could not be read/);
  });

  it('checks ENTRYPOINT, CMD, WORKDIR, size and base image', () => {
    const check = imageCheck({
      expect: {
        entrypoint: ['python3', '/app/summarize.py'],
        cmd: ['--column', 'amount'],
        workdir: '/app',
        maxSizeMB: 200,
        baseImage: 'debian:bookworm-slim',
      },
    });
    expect(dockerImageKind.judge(check, image(), undefined).ok).toBe(true);
    expect(
      dockerImageKind.judge(check, image({ cmd: ['python3', '/app/summarize.py', '--column', 'amount'] }), undefined),
    ).toMatchObject({ ok: false, expected: 'CMD ["--column","amount"]' });
    expect(dockerImageKind.judge(check, image({ sizeMB: 250 }), undefined)).toMatchObject({
      ok: false,
      found: '250 MB',
    });
    expect(dockerImageKind.judge(check, image({ baseLayers: ['sha256:z'] }), undefined)).toMatchObject({
      ok: false,
      found: 'another base',
    });
    expect(dockerImageKind.judge(check, { exists: false }, undefined)).toMatchObject({
      ok: false,
      found: 'no such image',
    });
  });

  it('compares a run on a seeded file with the reference image output, naming the first differing line', () => {
    const check = imageCheck({ run: { stdinFile: 'seeded-sales.csv', stdout: 'reference' } });
    expect(dockerImageKind.needsReference(check)).toBe(true);
    const reference = image({
      run: { exitCode: 0, stdout: 'group,rows,sum\nall,7,183.45\n', stderr: '', timedOut: false },
    });
    expect(dockerImageKind.judge(check, reference, reference).ok).toBe(true);
    // An output copied from a run on another seed's data.
    const copied = image({
      run: { exitCode: 0, stdout: 'group,rows,sum\nall,9,201.10\n', stderr: '', timedOut: false },
    });
    const verdict = dockerImageKind.judge(check, copied, reference);
    expect(verdict.ok).toBe(false);
    expect(verdict.expected).toContain('line 2: all,7,183.45');
    expect(verdict.found).toBe('line 2: all,9,201.10');
    // A crash shows the program's own error.
    const crashed = image({
      run: { exitCode: 2, stdout: '', stderr: "summarize: no column 'amount'", timedOut: false },
    });
    expect(dockerImageKind.judge(check, crashed, reference)).toMatchObject({
      ok: false,
      found: "exit code 2; output: summarize: no column 'amount'",
    });
    expect(dockerImageKind.judge(check, image({ run: { timedOut: true } }), reference)).toMatchObject({
      ok: false,
      found: 'timed out',
    });
    // Without a reference observation it cannot pass.
    expect(dockerImageKind.judge(check, reference, undefined).ok).toBe(false);
  });

  it('keeps literal expectations working and accepts stdin or stdinFile, not both', () => {
    const check = imageCheck({ run: { stdin: 'a\n', stdout: { equals: 'x' } } });
    expect(dockerImageKind.needsReference(check)).toBe(false);
    expect(
      dockerImageKind.judge(
        check,
        image({ run: { exitCode: 0, stdout: 'x\n', stderr: '', timedOut: false } }),
        undefined,
      ).ok,
    ).toBe(true);
    expect(
      checkSchema.safeParse({
        id: 'c',
        title,
        kind: 'docker-image',
        image: 'i',
        expect: {},
        run: { stdin: 'a', stdinFile: 'b.csv' },
      }).success,
    ).toBe(false);
    expect(
      checkSchema.safeParse({
        id: 'c',
        title,
        kind: 'docker-image',
        image: 'i',
        expect: {},
        run: { stdinFile: '../../etc/passwd' },
      }).success,
    ).toBe(false);
    expect(
      checkSchema.safeParse({
        id: 'c',
        title,
        kind: 'docker-image',
        image: 'i',
        expect: {},
        run: { stdinFile: '/etc/passwd' },
      }).success,
    ).toBe(false);
  });
});

describe('firstDifference', () => {
  it('passes equal texts regardless of trailing blanks and names the first line that differs', () => {
    expect(firstDifference('a\nb\n', 'a  \nb', 'x').ok).toBe(true);
    expect(firstDifference('a\nb\nc', 'a\nB\nc', 'x')).toMatchObject({
      ok: false,
      expected: 'x; line 2: b',
      found: 'line 2: B',
    });
    expect(firstDifference('a\nb', 'a', 'x')).toMatchObject({
      ok: false,
      found: 'line 2: (no more lines) (2 lines expected, 1 found)',
    });
    expect(firstDifference('a', 'a\nextra', 'x')).toMatchObject({
      ok: false,
      expected: 'x; line 2: (no more lines)',
      found: 'line 2: extra (1 lines expected, 2 found)',
    });
  });
});

describe('docker-container judge', () => {
  it('checks state, health, limits, mounts, networks and env', () => {
    const check = containerCheck({
      state: 'running',
      health: 'healthy',
      memoryLimitBytes: 67108864,
      networks: ['p_backend'],
      env: { DB_HOST: 'db' },
      mounts: [{ type: 'volume', destination: '/var/lib/mysql', name: 'p_dbdata' }],
    });
    expect(dockerContainerKind.judge(check, container(), undefined).ok).toBe(true);
    expect(dockerContainerKind.judge(check, container({ health: undefined }), undefined)).toMatchObject({
      ok: false,
      found: 'health "no healthcheck"',
    });
    expect(dockerContainerKind.judge(check, container({ networks: ['p_frontend'] }), undefined)).toMatchObject({
      ok: false,
      found: 'networks p_frontend',
    });
    expect(dockerContainerKind.judge(check, container({ env: { DB_HOST: 'localhost' } }), undefined)).toMatchObject({
      ok: false,
      found: 'env DB_HOST "localhost"',
    });
    expect(
      dockerContainerKind.judge(
        check,
        container({ mounts: [{ type: 'volume', destination: '/var/lib/mysql', name: '0123abcd' }] }),
        undefined,
      ),
    ).toMatchObject({ ok: false, found: 'volume 0123abcd at /var/lib/mysql' });
    expect(dockerContainerKind.judge(check, container({ memoryLimitBytes: 0 }), undefined).ok).toBe(false);
    expect(dockerContainerKind.judge(check, { exists: false }, undefined)).toMatchObject({ ok: false, found: 'none' });
  });

  it('an app that failed and came back through a restart policy did not wait', () => {
    const check = containerCheck({ state: 'running', restartCount: 0, startedAfterHealthy: ['db'] });
    const waited = {
      db: { startedAt: '2026-01-01T00:00:01Z', health: 'healthy', dependsLabel: 'db:service_healthy:false' },
    };
    expect(dockerContainerKind.judge(check, container({ after: waited }), undefined).ok).toBe(true);
    expect(dockerContainerKind.judge(check, container({ after: waited, restartCount: 3 }), undefined)).toMatchObject({
      ok: false,
      found: 'restarts 3: it failed and a restart policy started it again',
    });
    const plain = { db: { ...waited.db, dependsLabel: 'db:service_started:false' } };
    expect(dockerContainerKind.judge(check, container({ after: plain }), undefined)).toMatchObject({
      ok: false,
      found: 'depends_on db without condition service_healthy',
    });
  });

  it('published ports: none expected, one found', () => {
    const check = containerCheck({ publishedPorts: [] });
    expect(dockerContainerKind.judge(check, container(), undefined)).toMatchObject({
      ok: true,
      found: 'no published ports',
    });
    expect(dockerContainerKind.judge(check, container({ publishedPorts: ['3306/tcp'] }), undefined)).toMatchObject({
      ok: false,
      expected: 'no published ports',
      found: 'published ports 3306/tcp',
    });
  });

  it('logs equal to the reference run (a seeded checksum) or to a literal match', () => {
    const check = containerCheck({ state: 'exited', exitCode: 0, logs: 'reference' });
    expect(dockerContainerKind.needsReference(check)).toBe(true);
    const done = (sum: string) =>
      container({
        state: 'exited',
        logs: `hog: holding 16 MiB\nhog: holding 32 MiB\nhog: done, held 32 MiB, checksum ${sum}`,
      });
    expect(dockerContainerKind.judge(check, done('aa11'), done('aa11')).ok).toBe(true);
    // A log copied from a run under another seed, and a job that did nothing.
    expect(dockerContainerKind.judge(check, done('bb22'), done('aa11'))).toMatchObject({
      ok: false,
      found: 'line 3: hog: done, held 32 MiB, checksum bb22',
    });
    expect(dockerContainerKind.judge(check, container({ state: 'exited', logs: '' }), done('aa11'))).toMatchObject({
      ok: false,
      found: 'line 1:  (3 lines expected, 1 found)',
    });
    expect(dockerContainerKind.judge(check, done('aa11'), undefined).ok).toBe(false);
    const literal = containerCheck({ logs: { contains: 'done' } });
    expect(dockerContainerKind.needsReference(literal)).toBe(false);
    expect(dockerContainerKind.judge(literal, done('x'), undefined).ok).toBe(true);
  });

  it('the seed picks the fault, the same for every run of one seed, and every kind is reachable', () => {
    const faults = ['freeze', 'refuse-connections'] as const;
    const picked = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const fault = pickFault(seed, 'db-health-notices-hang', faults);
      expect(pickFault(seed, 'db-health-notices-hang', faults)).toBe(fault);
      picked.add(fault);
    }
    expect([...picked].sort()).toEqual(['freeze', 'refuse-connections']);
    expect(pickFault(7, 'x', ['stop'])).toBe('stop');
  });

  it('times the healthcheck from the engine health log, not from when the grader looked', () => {
    const log = [
      { Start: '2026-01-01T00:00:00Z', End: '2026-01-01T00:00:01Z', ExitCode: 0 },
      { Start: '2026-01-01T00:00:03Z', End: '2026-01-01T00:00:06Z', ExitCode: 1 },
      { Start: '2026-01-01T00:00:08Z', End: '2026-01-01T00:00:11Z', ExitCode: 1 },
      { Start: '2026-01-01T00:00:13Z', End: '2026-01-01T00:00:16Z', ExitCode: 1 },
      { Start: '2026-01-01T00:00:18Z', End: '2026-01-01T00:00:21Z', ExitCode: 1 },
    ];
    // retries 3, a streak of 4 seen: it turned unhealthy at the third failure's end (00:16).
    expect(unhealthyAt({ Status: 'unhealthy', FailingStreak: 4, Log: log }, 3)).toBe(
      Date.parse('2026-01-01T00:00:16Z'),
    );
    expect(unhealthyAt({ Status: 'unhealthy', FailingStreak: 3, Log: log.slice(0, 4) }, 3)).toBe(
      Date.parse('2026-01-01T00:00:16Z'),
    );
    expect(unhealthyAt({ Status: 'healthy', FailingStreak: 2, Log: log }, 3)).toBeUndefined();
    expect(unhealthyAt({ Status: 'unhealthy', FailingStreak: 3, Log: [] }, 3)).toBeUndefined();
  });

  it('a healthcheck must notice the fault, within the window, on positive evidence', () => {
    const spec = {
      service: 'db',
      process: ['mariadbd'],
      faults: ['freeze', 'refuse-connections'] as const,
      withinSec: 45,
    };
    const s = { ...spec, faults: [...spec.faults] };
    const seen = { fault: 'freeze' as const, service: 'db', before: 'healthy' };
    expect(judgeUnderFault(s, { ...seen, after: 'unhealthy', seconds: 24.5, state: 'running' })).toMatchObject({
      ok: true,
      found: "unhealthy 24.5 s after db's server process (mariadbd) was frozen (SIGSTOP)",
    });
    expect(judgeUnderFault(s, { ...seen, fault: 'refuse-connections', after: 'unhealthy', seconds: 8 }).found).toBe(
      'unhealthy 8 s after db refused new connections (max_connections full)',
    );
    // Unhealthy, but later than the window by the engine's own clock.
    const late = judgeUnderFault(s, { ...seen, after: 'unhealthy', seconds: 52 });
    expect(late.ok).toBe(false);
    expect(late.found).toMatch(/^unhealthy only 52 s after/);
    // `CMD true`, or a probe that only resolves db's name: stays healthy.
    const always = judgeUnderFault(s, { ...seen, after: 'healthy', watchedSec: 75.2, state: 'running' });
    expect(always.ok).toBe(false);
    expect(always.found).toMatch(/^still healthy 75.2 s after db's server process/);
    expect(judgeUnderFault(s, { fault: 'freeze', service: 'db' })).toMatchObject({
      ok: false,
      found: 'no healthcheck',
    });
    expect(judgeUnderFault(s, { ...seen, before: 'starting' })).toMatchObject({
      ok: false,
      found: 'it was starting, not healthy, before the fault',
    });
    expect(judgeUnderFault(s, { ...seen, error: 'no process named mariadbd in db' })).toMatchObject({
      ok: false,
      found: 'no process named mariadbd in db',
    });
    // Unhealthy without a time: no positive evidence of the window.
    expect(judgeUnderFault(s, { ...seen, after: 'unhealthy' }).ok).toBe(false);
    expect(judgeUnderFault(s, undefined)).toMatchObject({ ok: false, found: 'not observed' });
    const check = containerCheck({ unhealthyUnderFault: s });
    expect(
      dockerContainerKind.judge(
        check,
        container({ underFault: { ...seen, after: 'unhealthy', seconds: 9 } }),
        undefined,
      ).ok,
    ).toBe(true);
    expect(dockerContainerKind.judge(check, container({ underFault: undefined }), undefined)).toMatchObject({
      ok: false,
      found: 'not observed',
    });
    expect(
      checkSchema.safeParse({
        id: 'c',
        title,
        kind: 'docker-container',
        service: 'app',
        expect: { unhealthyUnderFault: { ...s, faults: ['explode'] } },
      }).success,
    ).toBe(false);
  });
});

describe('compose-up env', () => {
  it('is an optional map of strings, empty by default', () => {
    const base = { id: 's', kind: 'compose-up', file: 'compose.yaml' };
    expect(stepSchema.parse(base)).toMatchObject({ env: {} });
    expect(stepSchema.parse({ ...base, env: { HOG_SEED: '{seed}' } })).toMatchObject({ env: { HOG_SEED: '{seed}' } });
    expect(stepSchema.safeParse({ ...base, env: { HOG_SEED: 7 } }).success).toBe(false);
  });
});

describe('day 1 exercises (issue 22)', () => {
  const checksOf = (id: string) =>
    (
      parse(readFileSync(join(__dirname, '../../labs/day1/exercises', id, 'exercise.yaml'), 'utf8')) as {
        checks: Array<{ id: string; dependsOn?: string[]; expect?: Record<string, unknown> }>;
      }
    ).checks;

  it('an untouched starter scores the same whether or not `up --wait` saw app before it exited', () => {
    // The starter's app exits: app-waited-for-db fails either way, and db-healthy is only credited after it.
    const checks = checksOf('compose-healthcheck');
    const ids = checks.map((c) => c.id);
    expect(checks.find((c) => c.id === 'db-healthy')?.dependsOn).toContain('app-waited-for-db');
    expect(ids.indexOf('app-waited-for-db')).toBeLessThan(ids.indexOf('db-healthy'));
  });

  it('a missing TOP_N=3 in report.env is charged once; the env file must be loaded', () => {
    const checks = checksOf('env-config');
    expect(checks.find((c) => c.id === 'settings-in-env-file')?.dependsOn).toEqual(['container-environment']);
    const env = checks.find((c) => c.id === 'container-environment')?.expect?.env as Record<string, string>;
    expect(env.DE_LAB_ENV_FILE_PROBE).toMatch(/\{seed\}/);
  });

  it("both healthcheck checks make faults that keep db's name resolving, picked by the seed", () => {
    for (const id of ['db-health-notices-hang', 'app-health-notices-failure']) {
      const spec = checksOf('compose-healthcheck').find((c) => c.id === id)?.expect?.unhealthyUnderFault as {
        faults: string[];
        process: string[];
      };
      expect(spec.faults.sort(), id).toEqual(['freeze', 'refuse-connections']);
      expect(spec.process, id).toContain('mariadbd');
    }
  });
});
