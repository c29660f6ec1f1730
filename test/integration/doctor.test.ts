import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bin, deLab, isolatedEnv } from '../helpers/cli.js';

describe('de-lab doctor against the real engine', () => {
  it('is green for the running engine and exits 0', async () => {
    const result = await deLab(['doctor', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(String(result.stdout));
    expect(report.ok).toBe(true);
    const byId = Object.fromEntries(report.checks.map((check: { id: string }) => [check.id, check]));
    expect(byId.engine.verdict).toBe('ok');
    expect(byId['engine-version'].data.apiVersion).toMatch(/^1\.\d+$/);
    expect(byId.compose.verdict).toBe('ok');
    expect(byId.compose.data.version).toMatch(/^2\./);
    expect(byId.resources.data.cpus).toBeGreaterThan(0);
    expect(byId.resources.data.memoryBytes).toBeGreaterThan(512 * 1024 * 1024);
    expect(['ok', 'warn', 'info']).toContain(byId.disk.verdict);
  });

  it('says in one sentence that nothing listens when DOCKER_HOST points at a dead socket, and exits 1', async () => {
    const result = await deLab(['doctor'], { env: isolatedEnv({ DOCKER_HOST: 'unix:///tmp/de-lab-no-engine.sock' }) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'The Docker engine is not running (nothing answers at unix:///tmp/de-lab-no-engine.sock).',
    );
    expect(result.stdout).toContain('set by DOCKER_HOST');
    expect(result.stdout).toContain('Not ready');
    const json = await deLab(['doctor', '--json'], { env: isolatedEnv({ DOCKER_HOST: 'tcp://127.0.0.1:1' }) });
    expect(json.exitCode).toBe(1);
    const engine = JSON.parse(String(json.stdout)).checks.find((check: { id: string }) => check.id === 'engine');
    expect(engine).toMatchObject({
      verdict: 'fail',
      blocking: true,
      data: { problem: 'not-running', source: 'DOCKER_HOST' },
    });
  });

  it('tells "permission denied" apart, for a user outside the docker group', async (ctx) => {
    const uid = process.getuid?.();
    const nobody = await execa('id', ['-u', 'nobody'], { reject: false });
    // Needs root to switch users; developers running as themselves are covered by the unit tests of the classifier.
    ctx.skip(uid !== 0 || nobody.exitCode !== 0, 'switching to the unprivileged nobody user needs root');
    const result = await execa(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'node', bin, 'doctor', '--json'],
      {
        reject: false,
        env: {
          ...isolatedEnv({ DOCKER_HOST: undefined, HOME: '/tmp' }),
          DE_LAB_CONFIG: '/tmp/de-lab-nobody-config.yaml',
        },
        extendEnv: false,
      },
    );
    expect(result.exitCode, result.stderr).toBe(1);
    const engine = JSON.parse(String(result.stdout)).checks.find((check: { id: string }) => check.id === 'engine');
    expect(engine.data.problem).toBe('permission-denied');
    expect(engine.hint).toMatch(/usermod -aG docker/);
  });
});
