import { hostname } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

const labsDir = join(repoRoot, 'test', 'fixtures', 'stacks');
const env = () => isolatedEnv({ DE_LAB_LABS_DIR: labsDir });
const run = (args: string[], extra: Record<string, string> = {}) => deLab(args, { env: { ...env(), ...extra } });

async function docker(args: string[]): Promise<string> {
  return String((await execa('docker', args)).stdout).trim();
}

const projectFilter = (project: string) => ['--filter', `label=com.docker.compose.project=${project}`];

async function cleanup(): Promise<void> {
  for (const project of ['de-lab-day8', 'de-lab-day9'])
    await execa('docker', ['compose', '-p', project, 'down', '-v', '--remove-orphans'], { reject: false });
}

describe('day stacks through Docker Compose', () => {
  beforeAll(cleanup);
  afterAll(cleanup);

  it('starts services in depends_on order, waiting for the healthcheck, and prints the endpoint card', async () => {
    const result = await run(['start', 'day9']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain('day9 is ready');
    expect(result.stdout).toContain('http://localhost:18931/');
    expect(result.stdout).toContain('db:80');
    const [db, app] = await Promise.all(
      ['db', 'app'].map(async (service) => JSON.parse(await docker(['inspect', `de-lab-day9-${service}-1`]))[0]),
    );
    expect(db.State.Health.Status).toBe('healthy');
    // app may only start once db is healthy, which takes at least 2 s after db started.
    expect(Date.parse(app.State.StartedAt) - Date.parse(db.State.StartedAt)).toBeGreaterThanOrEqual(2000);
    expect(db.Config.Labels['com.docker.compose.project']).toBe('de-lab-day9');
  });

  it('is a quick no-op on a healthy stack and says so', async () => {
    const result = await run(['start', 'day9', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ lab: 'day9', alreadyRunning: true });
    const text = await run(['start', 'day9']);
    expect(text.stdout).toContain('already running and healthy');
  });

  it('repairs a half-started stack', async () => {
    await docker(['stop', 'de-lab-day9-app-1']);
    const result = await run(['start', 'day9', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).alreadyRunning).toBe(false);
    expect(await docker(['inspect', '-f', '{{.State.Status}}', 'de-lab-day9-app-1'])).toBe('running');
  });

  it('shows state, health and ports in status, runs commands with shell, prints logs', async () => {
    const status = JSON.parse((await run(['status', 'day9', '--json'])).stdout);
    const db = status.services.find((row: { service: string }) => row.service === 'db');
    expect(db).toMatchObject({ day: 'day9', state: 'running', health: 'healthy', ports: ['18931→80'] });
    expect(db.memoryBytes).toBeGreaterThan(0);
    const shell = await run(['shell', 'day9', 'app', '--', 'sh', '-c', 'echo from-app; exit 3']);
    expect(shell.stdout.trim()).toBe('from-app');
    expect(shell.exitCode).toBe(3);
    const logs = await run(['logs', 'day9', 'db']);
    expect(logs.stdout).toMatch(/^db \| db starting$/m);
    expect(logs.stdout).toMatch(/^db \| db ready$/m);
    const missing = await run(['shell', 'day9', 'nope', '--', 'true']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('Running services: ');
  });

  it('detects a taken port before creating anything, and names the holder', async () => {
    await run(['stop', 'day9']);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(18931, '127.0.0.1', resolve));
    try {
      const result = await run(['start', 'day9']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/Port 18931, which day9 needs, is in use by node.* \(pid \d+\)/);
      expect(result.stderr).toContain('nothing was created');
      expect(await docker(['ps', '-aq', ...projectFilter('de-lab-day9')])).toBe('');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails a never-healthy service with its log tail', async () => {
    const result = await run(['start', 'day8']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('The broken service of day8 turned unhealthy.');
    expect(result.stderr).toContain('boom: /etc/broken.conf is missing');
    await run(['stop', 'day8']);
  });

  it('stop keeps volumes; stop --purge removes them after confirmation', async () => {
    expect((await run(['start', 'day9'])).exitCode).toBe(0);
    const stop = await run(['stop', 'day9']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stdout).toContain('volumes kept');
    expect(await docker(['ps', '-aq', ...projectFilter('de-lab-day9')])).toBe('');
    expect(await docker(['volume', 'ls', '-q', ...projectFilter('de-lab-day9')])).toBe('de-lab-day9_data');
    const refused = await run(['stop', 'day9', '--purge']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('Nothing was deleted');
    expect(await docker(['volume', 'ls', '-q', ...projectFilter('de-lab-day9')])).toBe('de-lab-day9_data');
    const purge = await run(['stop', 'day9', '--purge', '--yes']);
    expect(purge.exitCode, purge.stderr).toBe(0);
    expect(await docker(['volume', 'ls', '-q', ...projectFilter('de-lab-day9')])).toBe('');
  });

  // Starting a day while another runs: see start-conflicts.test.ts (stops another day only for a real conflict).

  it('leaves no containers or networks behind when start is interrupted with SIGINT', async () => {
    const child = execa('node', [bin, 'start', 'day9'], {
      env: { ...env(), DB_DELAY: '30' },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    const deadline = Date.now() + 60_000;
    while ((await docker(['ps', '-aq', ...projectFilter('de-lab-day9')])) === '' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await docker(['ps', '-aq', ...projectFilter('de-lab-day9')])).not.toBe('');
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(await docker(['ps', '-aq', ...projectFilter('de-lab-day9')])).toBe('');
    expect(await docker(['network', 'ls', '-q', ...projectFilter('de-lab-day9')])).toBe('');
  });

  it("gc removes labelled leftovers that no day owns and keeps the days' own", async () => {
    await docker([
      'volume',
      'create',
      '--label',
      'com.docker.compose.project=de-lab-grade-leftover',
      'de-lab-test-leftover',
    ]);
    await docker(['volume', 'create', '--label', 'com.docker.compose.project=de-lab-day9', 'de-lab-test-owned']);
    try {
      const dry = await run(['gc', '--dry-run', '--json']);
      const names = JSON.parse(dry.stdout).wouldRemove.volumes.map((v: { name: string }) => v.name);
      expect(names).toContain('de-lab-test-leftover');
      expect(names).not.toContain('de-lab-test-owned');
      const gc = await run(['gc', '--yes']);
      expect(gc.exitCode, gc.stderr).toBe(0);
      expect(await docker(['volume', 'ls', '-q', '--filter', 'name=de-lab-test-'])).toBe('de-lab-test-owned');
    } finally {
      await execa('docker', ['volume', 'rm', '-f', 'de-lab-test-leftover', 'de-lab-test-owned'], { reject: false });
    }
  });

  it('gc leaves a private stack alone while the selftest or grade run that owns it is alive', async () => {
    const dead = execa('true');
    await dead;
    const label = (project: string, pid: number) => [
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `de-lab.owner=${pid}@${hostname()}`,
    ];
    await docker([
      'create',
      '--name',
      'de-lab-test-busy',
      ...label('de-lab-selftest-busy', process.pid),
      'debian:bookworm-slim',
      'true',
    ]);
    await docker([
      'create',
      '--name',
      'de-lab-test-orphan',
      ...label('de-lab-selftest-orphan', dead.pid!),
      'debian:bookworm-slim',
      'true',
    ]);
    try {
      const gc = await run(['gc', '--yes']);
      expect(gc.exitCode, gc.stderr).toBe(0);
      expect(await docker(['ps', '-a', '--format', '{{.Names}}', '--filter', 'name=de-lab-test-'])).toBe(
        'de-lab-test-busy',
      );
    } finally {
      await execa('docker', ['rm', '-f', 'de-lab-test-busy', 'de-lab-test-orphan'], { reject: false });
    }
  });
});
