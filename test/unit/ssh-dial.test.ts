import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { resolveEngine } from '../../src/stack/engines/resolve.js';
import { CommandConnection, sshDialArgs } from '../../src/stack/ssh-dial.js';
import { tempDir } from '../helpers/temp.js';

describe('ssh:// engines', () => {
  it('runs ssh as the docker CLI does: user, port, then `docker system dial-stdio` on the far side', () => {
    expect(sshDialArgs('ssh://ta@grader2:2222')).toEqual([
      '-o', 'ConnectTimeout=30', '-T', '-l', 'ta', '-p', '2222', '--', 'grader2', 'docker', 'system', 'dial-stdio',
    ]); // prettier-ignore
    expect(sshDialArgs('ssh://grader2')).toEqual([
      '-o',
      'ConnectTimeout=30',
      '-T',
      '--',
      'grader2',
      'docker',
      'system',
      'dial-stdio',
    ]);
    // A socket path after the host is the far side's engine; brackets leave an IPv6 address.
    expect(sshDialArgs('ssh://ta@[::1]/run/user/1000/docker.sock').slice(-6)).toEqual([
      '::1', 'docker', '--host', 'unix:///run/user/1000/docker.sock', 'system', 'dial-stdio',
    ]); // prettier-ignore
    // A host name that looks like an option comes after `--`, where ssh takes it for the host.
    const args = sshDialArgs('ssh://-oProxyCommand=x');
    expect(args[args.indexOf('--') + 1]).toBe('-oProxyCommand=x');
    expect(() => sshDialArgs('tcp://box:2375')).toThrowError(/unsupported engine address/);
  });

  it("carries bytes both ways through a process's stdin and stdout", async () => {
    const conn = new CommandConnection(spawn('cat', [], { stdio: ['pipe', 'pipe', 'pipe'] }), 'cat');
    const chunks: Buffer[] = [];
    conn.on('data', (chunk: Buffer) => chunks.push(chunk));
    conn.write('GET /_ping HTTP/1.1\r\n');
    conn.end('\r\n');
    await new Promise((resolve) => conn.on('close', resolve));
    expect(Buffer.concat(chunks).toString()).toBe('GET /_ping HTTP/1.1\r\n\r\n');
  });

  it("fails with the process's last line of stderr when it exits badly", async () => {
    const child = spawn('sh', ['-c', 'echo "debug1: x" >&2; echo "Permission denied (publickey)." >&2; exit 255'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const conn = new CommandConnection(child, 'ssh to ssh://me@box');
    conn.resume();
    const error = await new Promise<Error>((resolve) => conn.on('error', resolve));
    expect(error.message).toBe('ssh to ssh://me@box exited with 255: Permission denied (publickey).');
    expect(error).toMatchObject({ code: 'ESSH', reason: 'Permission denied (publickey).' });
  });

  it('says when the command is missing, and emits an idle timeout as a socket does', async () => {
    const missing = new CommandConnection(spawn('de-lab-no-such-ssh', [], { stdio: 'pipe' }), 'ssh to x');
    expect((await new Promise<Error>((resolve) => missing.on('error', resolve))).message).toBe(
      'ssh to x: the command is not installed',
    );
    const idle = new CommandConnection(spawn('cat', [], { stdio: ['pipe', 'pipe', 'pipe'] }), 'cat');
    await new Promise<void>((resolve) => idle.setTimeout(20, resolve));
    expect(idle.timeout).toBe(20);
    const never = () => expect.fail('turned off');
    idle.setTimeout(20, never).setTimeout(0, never);
    await new Promise((resolve) => setTimeout(resolve, 60));
    idle.destroy();
  });

  it('names the engine and what ssh said when an ssh:// engine of --engines cannot be reached', async () => {
    // An `ssh` first on PATH that records its arguments and refuses, as a server without our key would.
    const bin = tempDir('de-lab-fake-ssh-');
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh\necho "$@" > ${join(bin, 'args')}\necho 'Permission denied (publickey).' >&2\nexit 255\n`,
    );
    chmodSync(join(bin, 'ssh'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const fallback = { docker: {} as Dockerode, host: 'unix:///var/run/docker.sock' };
      const failed = resolveEngine({ name: 'ssh://ta@grader2:2222', kind: 'url' }, 1, fallback);
      await expect(failed).rejects.toThrowError(
        'Engine ssh://ta@grader2:2222 does not answer over ssh (Permission denied (publickey)).',
      );
      expect(readFileSync(join(bin, 'args'), 'utf8').trim()).toBe(
        '-o ConnectTimeout=30 -T -l ta -p 2222 -- grader2 docker system dial-stdio',
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
