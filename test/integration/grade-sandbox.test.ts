import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

/**
 * The grading sandbox against the real engine, with the fixture course day8 (publish-report: a
 * learner compose file that must publish a seeded report on 127.0.0.1:18081). Each learner below
 * is a way to cheat or to escape; every one must fail or be refused, and the right one must pass
 * although something else holds the port it publishes.
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const work = mkdtempSync(join(tmpdir(), 'de-lab-sandbox-it-'));
const submissions = join(work, 'submissions');
const secret = `de-lab-secret-marker-${process.pid}`;
const env = isolatedEnv({ DE_LAB_LABS_DIR: labsDir, DE_LAB_TEST_SECRET: secret, HOST_FILE_CANARY: secret });

const good = `services:
  web:
    image: \${DE_LAB_IMAGE_PREFIX:-de-lab}/tools:1.0
    command: ["python3", "-m", "http.server", "8080", "-d", "/data"]
    volumes: ["./data:/data:ro"]
    environment:
      REPORT_TITLE: \${REPORT_TITLE:-unset}
    ports: ["127.0.0.1:18081:8080"]
`;
const withWeb = (extra: string, top = '') => `services:
  web:
    image: \${DE_LAB_IMAGE_PREFIX:-de-lab}/tools:1.0
    command: ["python3", "-m", "http.server", "8080", "-d", "/data"]
    environment:
      REPORT_TITLE: \${REPORT_TITLE:-unset}
    ports: ["127.0.0.1:18081:8080"]
${extra}${top}`;

const learners: Record<string, Record<string, string>> = {
  good: { 'compose.yaml': good },
  // Publishes on every interface of the machine.
  everywhere: { 'compose.yaml': good.replace('127.0.0.1:18081:8080', '18081:8080') },
  // Publishes nothing, while something else listens on 18081 (the test's own server).
  nothing: { 'compose.yaml': good.replace('    ports: ["127.0.0.1:18081:8080"]\n', '') },
  // Serves a report of its own from a folder that is not one of the exercise's files.
  hardcoded: {
    'compose.yaml': good.replace('./data:/data:ro', './mine:/data:ro'),
    'mine/report.txt': 'report for seed 20261123\n',
    'data/report.txt': 'report for seed 20261123\n',
  },
  // A named volume whose driver options bind the host's /tmp.
  hostvolume: {
    'compose.yaml': withWeb(
      '    volumes: ["loot:/data"]\n',
      'volumes:\n  loot:\n    driver: local\n    driver_opts: { type: none, o: bind, device: /tmp }\n',
    ),
  },
  // A secret read from a host file.
  hostsecret: {
    'compose.yaml': withWeb(
      '    volumes: ["./data:/data:ro"]\n    secrets: [pw]\n',
      'secrets:\n  pw:\n    file: /etc/hostname\n',
    ),
  },
  // An env file outside the folder.
  hostenvfile: { 'compose.yaml': withWeb('    volumes: ["./data:/data:ro"]\n    env_file: [/etc/os-release]\n') },
  // ${VAR} interpolation from the grader's environment.
  interpolation: {
    'compose.yaml': withWeb(
      '    volumes: ["./data:/data:ro"]\n    labels: { leak: "${DE_LAB_TEST_SECRET:-none}" }\n',
    ).replace(
      'REPORT_TITLE: ${REPORT_TITLE:-unset}',
      'REPORT_TITLE: ${REPORT_TITLE:-unset}\n      LEAK: "${DE_LAB_TEST_SECRET:-none}${HOST_FILE_CANARY:-}"',
    ),
  },
  // A fork bomb next to the server, and 300 MB written to stdout.
  forkbomb: {
    'compose.yaml': good.replace(
      'command: ["python3", "-m", "http.server", "8080", "-d", "/data"]',
      'command: ["sh", "-c", "head -c 300000000 /dev/zero | tr \'\\\\0\' x; for i in $(seq 1 2000); do sleep 300 & done; exec python3 -m http.server 8080 -d /data"]',
    ),
  },
};

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function allText(dir: string): string {
  return readdirSync(dir)
    .map((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? allText(path) : readFileSync(path, 'utf8');
    })
    .join('\n');
}

interface Learner {
  learner: string;
  status: string;
  score: number;
  maxScore: number;
  reason?: string;
  exercises: Array<{
    id: string;
    reason?: string;
    checks: Array<{ id: string; status: string; found?: string; message?: string }>;
  }>;
}

describe('grading sandbox (day8 fixture)', () => {
  let blocker: Server;
  const runs: Array<{ results: { learners: Learner[] }; out: string }> = [];
  const logSizes = new Map<string, number>();

  beforeAll(async () => {
    for (const [name, files] of Object.entries(learners))
      write(join(submissions, name, 'day8', 'publish-report'), files);
    // Something else holds the port the exercise publishes: it must change no verdict.
    blocker = createServer((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nreport for seed 20261123\n'));
    await new Promise<void>((resolve) => blocker.listen(18081, '127.0.0.1', resolve));
    // Two runs of the same day at once (different seeds), while the log sizes of learner containers are watched.
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const ps = await execa('docker', ['ps', '-q', '--filter', 'label=de-lab.purpose=grading'], { reject: false });
        for (const id of String(ps.stdout).split('\n').filter(Boolean)) {
          const path = await execa('docker', ['inspect', '-f', '{{.LogPath}}', id], { reject: false });
          try {
            const size = statSync(String(path.stdout).trim()).size;
            logSizes.set(id, Math.max(size, logSizes.get(id) ?? 0));
          } catch {
            // gone already
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const both = await Promise.all(
      [7, 8].map(async (seed) => {
        const out = join(work, `out-${seed}`);
        const run = await deLab(
          [
            'grade',
            'day8',
            '--submissions',
            submissions,
            '--out',
            out,
            '--seed',
            String(seed),
            '--parallel',
            '2',
            '--json',
          ],
          { env, timeout: 10 * 60_000 },
        );
        expect(run.exitCode, run.stderr + run.stdout.slice(0, 2000)).toBe(0);
        return { results: JSON.parse(run.stdout), out };
      }),
    );
    watching = false;
    await watch;
    runs.push(...both);
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  const learner = (run: number, name: string) => runs[run]!.results.learners.find((l) => l.learner === name)!;
  const check = (l: Learner, id: string) => l.exercises[0]!.checks.find((c) => c.id === id)!;

  it('passes the right compose file although another process holds its port', () => {
    for (const run of [0, 1]) expect(learner(run, 'good')).toMatchObject({ status: 'graded', score: 4, maxScore: 4 });
  });

  it('fails an all-interfaces binding and a file that publishes nothing', () => {
    const everywhere = learner(0, 'everywhere');
    expect(check(everywhere, 'loopback-only')).toMatchObject({ status: 'failed' });
    expect(check(everywhere, 'loopback-only').found).toContain('all interfaces');
    const nothing = learner(0, 'nothing');
    expect(check(nothing, 'loopback-only').status).toBe('failed');
    expect(check(nothing, 'serves-seeded-report').status).not.toBe('passed');
  });

  it('grades only the declared files: a report of its own is not served', () => {
    const hardcoded = learner(0, 'hardcoded');
    expect(check(hardcoded, 'serves-seeded-report').status).toBe('failed');
  });

  it('refuses host volumes, host secrets and host env files, naming the key', () => {
    expect(learner(0, 'hostvolume').exercises[0]!.reason).toContain('volumes.loot.driver_opts is not allowed');
    expect(learner(0, 'hostsecret').exercises[0]!.reason).toMatch(/secrets/);
    expect(learner(0, 'hostenvfile').exercises[0]!.reason).toContain(
      'env_file /etc/os-release is outside the exercise folder',
    );
    for (const name of ['hostvolume', 'hostsecret', 'hostenvfile']) expect(learner(0, name).score).toBe(0);
  });

  it('lets nothing of the grader reach a container or a report', () => {
    const interpolation = learner(0, 'interpolation');
    expect(check(interpolation, 'no-grader-secret').status).toBe('passed');
    for (const run of runs) expect(allText(run.out)).not.toContain(secret);
    expect(readFileSync('/etc/hostname', 'utf8').trim().length).toBeGreaterThan(0);
    expect(allText(runs[0]!.out)).not.toContain(readFileSync('/etc/os-release', 'utf8').split('\n')[0]);
  });

  it('contains a fork bomb and a log flood, and says what applied', () => {
    const bomb = learner(0, 'forkbomb');
    expect(bomb.status).toBe('graded');
    expect(check(bomb, 'title-from-declared-env').status).toBe('passed'); // pids limit 256, memory 512 MiB
    const biggest = Math.max(...logSizes.values());
    expect(biggest).toBeGreaterThan(1024 * 1024); // the flood happened
    expect(biggest).toBeLessThanOrEqual(10 * 1024 * 1024 + 256 * 1024); // and was capped at 10 MiB
    const results = JSON.parse(readFileSync(join(runs[0]!.out, 'results.json'), 'utf8'));
    expect(results.limits.applied).toMatchObject({
      memoryBytes: 536870912,
      pids: 256,
      cpus: 1,
      logCapBytes: 10485760,
      composeConfined: true,
    });
  });

  it('keeps two runs of one day apart and leaves nothing behind', async () => {
    const failing = (l: Learner) =>
      l.exercises[0]!.checks.filter((c) => c.status !== 'passed')
        .map((c) => `${c.id}: ${c.found ?? c.message}`)
        .join('; ');
    for (const name of Object.keys(learners))
      expect(learner(1, name).score, `${name}: ${failing(learner(0, name))} | ${failing(learner(1, name))}`).toBe(
        learner(0, name).score,
      );
    const ps = await execa('docker', ['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}'], {
      reject: false,
    });
    expect(
      String(ps.stdout)
        .split('\n')
        .filter((p) => p.startsWith('de-lab-grade-day8')),
    ).toEqual([]);
  });
});
