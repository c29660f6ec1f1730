import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import type { SelftestRow as Row } from '../helpers/selftest.js';
import { pickFault } from '../../src/grading/kinds/docker.js';

const rowsOf = (stdout: string): Row[] => {
  const parsed = JSON.parse(stdout) as { rows?: Row[] } | Row[];
  return Array.isArray(parsed) ? parsed : (parsed.rows ?? []);
};
const describeRows = (rows: Row[]) =>
  rows
    .map(
      (r) =>
        `${r.exercise}: ${r.verdict}${r.reason ? ` (${r.reason})` : ''} starter=${JSON.stringify(r.starter?.failing)} solution=${JSON.stringify(r.solution?.failing)}`,
    )
    .join('\n');
const failingIds = (row: Row | undefined) => (row?.starter?.failing ?? []).map((f) => f.split(' ')[0]).sort();

/**
 * Day 1's acceptance: in a private copy of the day's stack (MariaDB + tools, built from
 * labs/images), every starter fails at least one check and every reference solution passes all.
 */
describe('day1 selftest', () => {
  it('every starter fails and every reference passes', async () => {
    const result = await deLab(['selftest', 'day1', '--json'], { timeout: 20 * 60_000 });
    const rows = rowsOf(result.stdout);
    const summary = describeRows(rows);
    expect(rows.map((r) => r.exercise).sort(), summary).toEqual([
      'compose-healthcheck',
      'dockerfile-data-tool',
      'env-config',
      'memory-limit-oom',
      'named-volume-persistence',
      'service-discovery',
    ]);
    for (const row of rows) {
      expect(row.verdict, summary).toBe('ok');
      expect(row.starter?.passed, summary).toBe(false);
      expect(row.solution?.passed, summary).toBe(true);
    }
    expect(result.exitCode, summary).toBe(0);
  });
});

/**
 * Wrong submissions that day 1's graders must catch, played by the "starter" of a copy of the
 * course: outputs copied from a reference run under seed A (they pass under A, which proves they
 * are faithful copies, and must fail under seed B), healthchecks that recognise the grader's fault
 * instead of testing the service, and an env file that nothing loads.
 */
describe('day1 graders against hard-coded submissions', () => {
  const SEED_A = 101;
  const SEED_B = 202;
  const work = mkdtempSync(join(tmpdir(), 'de-lab-day1-fakes-'));
  const labs = join(work, 'labs');
  const env = isolatedEnv({ DE_LAB_LABS_DIR: labs });
  const exercise = (id: string) => join(labs, 'day1', 'exercises', id);
  const tools = 'de-lab/tools:1.0';

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs python3 in the tools image with `dir` at /work; returns its stdout. */
  async function python(dir: string, args: string[], extraEnv: string[] = []): Promise<string> {
    const run = await execa(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${dir}:/work:ro`,
        ...extraEnv.flatMap((e) => ['-e', e]),
        tools,
        'python3',
        ...args,
      ],
      { reject: false },
    );
    if (run.exitCode !== 0) throw new Error(`python3 ${args.join(' ')} failed: ${run.stderr}`);
    return String(run.stdout);
  }

  it('a copied output passes only under its seed; fault-spotting healthchecks and unloaded env files fail', async () => {
    cpSync(join(repoRoot, 'labs'), labs, { recursive: true });

    // dockerfile-data-tool: a Dockerfile whose "summarize.py" prints the two summaries of seed A's data.
    const data = exercise('dockerfile-data-tool');
    const csv = await python(join(data, 'starter'), ['/work/make_sales.py', '--seed', String(SEED_A)]);
    writeFileSync(join(work, 'a.csv'), csv);
    const summarise = (args: string[]) =>
      execa(
        'docker',
        [
          'run',
          '--rm',
          '-i',
          '--network',
          'none',
          '-v',
          `${join(data, 'starter')}:/work:ro`,
          tools,
          'python3',
          '/work/summarize.py',
          ...args,
        ],
        { input: csv },
      ).then((r) => String(r.stdout) + '\n');
    const byDefault = await summarise(['--column', 'amount']);
    const byRegion = await summarise(['--column', 'quantity', '--by', 'region']);
    const fake = `import sys\nsys.stdout.write(${JSON.stringify(byRegion)} if "--by" in sys.argv else ${JSON.stringify(byDefault)})\n`;
    const dockerfile = readFileSync(join(data, 'solution', 'Dockerfile'), 'utf8').replace(
      'COPY summarize.py /app/summarize.py',
      `RUN echo ${Buffer.from(fake).toString('base64')} | base64 -d > /app/summarize.py`,
    );
    expect(dockerfile).toContain('base64 -d');
    writeFileSync(join(data, 'starter', 'Dockerfile'), dockerfile);

    // memory-limit-oom: small-job only prints the log of a seed-A run of hog.py.
    const oom = exercise('memory-limit-oom');
    const log = await python(join(oom, 'starter'), ['/work/hog.py'], ['HOG_MIB=32', `HOG_SEED=${SEED_A}`]);
    expect(log).toMatch(/checksum [0-9a-f]{16}/);
    const compose = readFileSync(join(oom, 'solution', 'compose.yaml'), 'utf8').replace(
      '  small-job:\n    <<: *job\n',
      `  small-job:\n    <<: *job\n    command: ["printf", ${JSON.stringify(log.replace(/%/g, '%%'))}]\n`,
    );
    expect(compose).toContain('command: ["printf"');
    writeFileSync(join(oom, 'starter', 'compose.yaml'), compose);

    // compose-healthcheck (issue 22), under init: true (PID 1 is docker-init, not mariadbd):
    // the reference itself must still pass (seed B freezes mariadbd, which the old grader missed
    // by freezing PID 1), and a submission whose db healthcheck only looks for a listening port and
    // a stopped PID 1, and whose app healthcheck only resolves db's name, must fail both fault checks.
    const health = exercise('compose-healthcheck');
    const withInit = readFileSync(join(health, 'solution', 'compose.yaml'), 'utf8').replace(
      /(\n    image: \$\{DE_LAB_IMAGE_PREFIX:-de-lab\}\/(mariadb:10\.11|tools:1\.0)\n)/g,
      '$1    init: true\n',
    );
    expect(withInit.match(/init: true/g)).toHaveLength(2);
    writeFileSync(join(health, 'solution', 'compose.yaml'), withInit);
    const recognisesFaults = withInit
      .replace(
        'test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://localhost:8080/health"]',
        'test: ["CMD", "getent", "hosts", "db"]',
      )
      .replace(
        /test: \["CMD-SHELL", "mariadb [^\n]*/,
        `test: ["CMD-SHELL", "grep -q ':0CEA 00000000:0000 0A' /proc/net/tcp && ! grep -q '^State:.*T' /proc/1/status"]`,
      );
    expect(recognisesFaults).toContain('getent');
    expect(recognisesFaults).toContain('/proc/1/status');
    writeFileSync(join(health, 'starter', 'compose.yaml'), recognisesFaults);
    expect(pickFault(SEED_B, 'db-health-notices-hang', ['freeze', 'refuse-connections'])).toBe('freeze');

    // env-config: a report.env with the right lines that nothing loads (the values set in environment:).
    const envConfig = exercise('env-config');
    cpSync(join(envConfig, 'solution', 'report.env'), join(envConfig, 'starter', 'report.env'));
    cpSync(join(envConfig, 'solution', '.env'), join(envConfig, 'starter', '.env'));
    const unloaded = readFileSync(join(envConfig, 'solution', 'compose.yaml'), 'utf8')
      .replace(/    env_file:\n      - report.env\n/, '')
      .replace(
        'REPORT_TITLE: "Top 3 products"',
        'REPORT_TITLE: "Top 3 products"\n      REPORT_FORMAT: json\n      TOP_N: "3"',
      );
    expect(unloaded).not.toMatch(/^\s*env_file:/m);
    expect(unloaded).toContain('TOP_N: "3"');
    writeFileSync(join(envConfig, 'starter', 'compose.yaml'), unloaded);

    const underA = await deLab(
      [
        'selftest',
        'day1',
        '--exercise',
        'dockerfile-data-tool',
        'memory-limit-oom',
        '--seed',
        String(SEED_A),
        '--json',
      ],
      { env, timeout: 20 * 60_000 },
    );
    const rowsA = rowsOf(underA.stdout);
    const summaryA = describeRows(rowsA);
    expect(rowsA.map((r) => r.exercise).sort(), summaryA).toEqual(['dockerfile-data-tool', 'memory-limit-oom']);
    for (const row of rowsA) {
      expect(row.reason, summaryA).toBe('the starter passes every check');
      expect(row.solution?.passed, summaryA).toBe(true);
    }

    const underB = await deLab(
      [
        'selftest',
        'day1',
        '--exercise',
        'dockerfile-data-tool',
        'memory-limit-oom',
        'compose-healthcheck',
        'env-config',
        '--seed',
        String(SEED_B),
        '--json',
      ],
      { env, timeout: 20 * 60_000 },
    );
    const rowsB = rowsOf(underB.stdout);
    const summaryB = describeRows(rowsB);
    const byId = Object.fromEntries(rowsB.map((r) => [r.exercise, r]));
    expect(failingIds(byId['dockerfile-data-tool']), summaryB).toEqual(['arguments-replace-cmd', 'default-arguments']);
    expect(byId['dockerfile-data-tool']?.starter?.failing.join(' '), summaryB).toMatch(/line \d+: /);
    expect(failingIds(byId['memory-limit-oom']), summaryB).toEqual(['small-job-fits']);
    expect(byId['memory-limit-oom']?.starter?.failing[0], summaryB).toMatch(/checksum/);
    expect(failingIds(byId['compose-healthcheck']), summaryB).toEqual([
      'app-health-notices-failure',
      'db-health-notices-hang',
    ]);
    for (const failing of byId['compose-healthcheck']?.starter?.failing ?? [])
      expect(failing, summaryB).toMatch(/still healthy/);
    expect(failingIds(byId['env-config']), summaryB).toEqual(['container-environment', 'settings-in-env-file']);
    expect(byId['env-config']?.starter?.failing.join(' '), summaryB).toMatch(/DE_LAB_ENV_FILE_PROBE/);
    for (const row of rowsB) {
      expect(row.verdict, summaryB).toBe('ok');
      expect(row.solution?.passed, summaryB).toBe(true);
    }
    expect(underB.exitCode, summaryB).toBe(0);
  });

  it('root under another name (a second user with uid 0) fails non-root-user', async () => {
    const copy = join(work, 'uid0');
    cpSync(join(repoRoot, 'labs'), join(copy, 'labs'), { recursive: true });
    const data = join(copy, 'labs', 'day1', 'exercises', 'dockerfile-data-tool');
    const dockerfile = readFileSync(join(data, 'solution', 'Dockerfile'), 'utf8').replace(
      /^USER summarize$/m,
      'RUN useradd --non-unique --uid 0 --no-create-home admin\nUSER admin',
    );
    expect(dockerfile).toContain('USER admin');
    writeFileSync(join(data, 'starter', 'Dockerfile'), dockerfile);
    const run = await deLab(['selftest', 'day1', '--exercise', 'dockerfile-data-tool', '--json'], {
      env: isolatedEnv({ DE_LAB_LABS_DIR: join(copy, 'labs') }),
      timeout: 10 * 60_000,
    });
    const rows = rowsOf(run.stdout);
    const summary = describeRows(rows);
    expect(failingIds(rows[0]), summary).toEqual(['non-root-user']);
    expect(rows[0]?.starter?.failing.join(' '), summary).toMatch(/uid 0: root under another name/);
    expect(rows[0]?.solution?.passed, summary).toBe(true);
  });
});
