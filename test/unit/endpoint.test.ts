import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultHost, modemOptions, resolveEndpoint } from '../../src/stack/endpoint.js';
import { classifyEngineError, engineFix, engineProblemSentence } from '../../src/stack/engine.js';
import { tempDir } from '../helpers/temp.js';

describe('engine endpoint', () => {
  it('prefers DOCKER_HOST, then the current context, then the platform default', () => {
    const dir = tempDir('de-lab-docker-');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    const meta = join(dir, 'contexts', 'meta', createHash('sha256').update('colima').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, 'meta.json'),
      JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///home/me/.colima/docker.sock' } } }),
    );

    expect(resolveEndpoint({ DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://10.1.2.3:2375' })).toEqual({
      host: 'tcp://10.1.2.3:2375',
      source: 'DOCKER_HOST',
    });
    expect(resolveEndpoint({ DOCKER_CONFIG: dir })).toEqual({
      host: 'unix:///home/me/.colima/docker.sock',
      source: 'context:colima',
    });
    expect(resolveEndpoint({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'default' }, 'linux')).toEqual({
      host: 'unix:///var/run/docker.sock',
      source: 'default',
    });
    expect(resolveEndpoint({ DOCKER_CONFIG: join(dir, 'none') }, 'win32').host).toBe('npipe:////./pipe/docker_engine');
  });

  it('turns addresses into connection options', () => {
    expect(modemOptions('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(modemOptions(defaultHost('win32'))).toEqual({ socketPath: '\\\\.\\pipe\\docker_engine' });
    expect(modemOptions('tcp://10.0.0.5:2375', {})).toMatchObject({ host: '10.0.0.5', port: '2375', protocol: 'http' });
    expect(modemOptions('tcp://10.0.0.5', { DOCKER_TLS_VERIFY: '1' })).toMatchObject({ port: 2376, protocol: 'https' });
    // ssh: plain HTTP over connections that `ssh … docker system dial-stdio` makes (test/unit/ssh-dial.test.ts).
    const ssh = modemOptions('ssh://me@box:2222');
    expect(ssh).toMatchObject({ protocol: 'http', host: 'docker' });
    expect(ssh.agent).toBeInstanceOf(Agent);
    expect(() => modemOptions('ftp://x')).toThrowError(/unsupported engine address/);
  });

  it('tells a stopped engine from a forbidden socket', () => {
    expect(
      classifyEngineError(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' })),
    ).toBe('not-running');
    expect(classifyEngineError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'not-running',
    );
    expect(
      classifyEngineError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' })),
    ).toBe('permission-denied');
    expect(classifyEngineError(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }))).toBe('unreachable');
    const local = { host: 'unix:///var/run/docker.sock', source: 'default' as const };
    expect(engineFix('not-running', local, 'linux')).toMatch(/systemctl start docker/);
    expect(engineFix('not-running', local, 'darwin')).toMatch(/Docker Desktop/);
    expect(engineFix('permission-denied', local, 'linux')).toMatch(/usermod -aG docker/);
    expect(engineFix('permission-denied', local, 'win32')).toMatch(/docker-users/);
  });

  it('says what ssh said for an ssh:// engine, and the ssh command to try', () => {
    const failed = Object.assign(new Error('ssh exited with 255: Permission denied (publickey).'), {
      code: 'ESSH',
      reason: 'Permission denied (publickey).',
    });
    expect(classifyEngineError(failed)).toBe('ssh');
    const remote = { host: 'ssh://ta@lab-vm:2222', source: 'DOCKER_HOST' as const };
    expect(engineProblemSentence('ssh', remote, failed.reason)).toBe(
      'The Docker engine at ssh://ta@lab-vm:2222 does not answer over ssh (Permission denied (publickey)).',
    );
    expect(engineFix('ssh', remote)).toMatch(
      /^Check that `ssh -p 2222 ta@lab-vm docker version` works .* unset DOCKER_HOST/,
    );
    expect(engineFix('ssh', { host: 'ssh://lab-vm', source: 'context:lab' })).toMatch(
      /`ssh lab-vm docker version`.*docker context use default/,
    );
  });
});
