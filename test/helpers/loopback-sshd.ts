import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * An `sshd` on 127.0.0.1 with its own host key, client key, port and config, all in `dir`, whose
 * sessions see DOCKER_HOST=`engine`: so `ssh://…@127.0.0.1:<port>` is a remote host whose engine is
 * `engine`, as the docker CLI and de-lab reach it (`ssh … docker system dial-stdio`). The client
 * side never reads ~/.ssh: `bin` holds an `ssh` that runs the real one with this folder's config
 * (strict host key checking against this folder's known_hosts), to put first on PATH.
 */
export interface LoopbackSshd {
  /** The engine address to use: ssh://<user>@127.0.0.1:<port>. */
  url: string;
  /** Put first on PATH for every process that should reach it. */
  bin: string;
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function which(name: string): Promise<string> {
  const found = await execa('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name}`], { reject: false });
  const path = String(found.stdout).trim().split('\n')[0];
  if (!path) throw new Error(`${name} is not installed (Debian: apt-get install openssh-server openssh-client)`);
  return path;
}

export async function startLoopbackSshd(dir: string, engine: string): Promise<LoopbackSshd> {
  const user = (await execa('id', ['-un'])).stdout.trim();
  const [sshd, ssh] = [await which('sshd'), await which('ssh')];
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const key = (name: string) => execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  await Promise.all([key('host_key'), key('client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The keys live under the system's temp folder, which everyone may write to.
      'StrictModes no',
      `SetEnv DOCKER_HOST=${engine}`,
      '',
    ].join('\n'),
  );
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(
    join(dir, 'ssh_config'),
    [
      'Host *',
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'bin', 'ssh'), `#!/bin/sh\nexec ${ssh} -F ${join(dir, 'ssh_config')} "$@"\n`);
  chmodSync(join(dir, 'bin', 'ssh'), 0o755);
  mkdirSync('/run/sshd', { recursive: true }); // Its privilege separation folder.
  const log = openSync(join(dir, 'sshd.log'), 'a');
  // -D: stays in the foreground, so its pid is the child's; -e: logs to the file.
  const child = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', log, log] });
  closeSync(log);
  const url = `ssh://${user}@127.0.0.1:${port}`;
  const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` };
  for (let i = 0; i < 80; i++) {
    const probe = await execa('ssh', ['-p', String(port), `${user}@127.0.0.1`, 'true'], { env, reject: false });
    if (probe.exitCode === 0) break;
    if (i === 79 || child.exitCode !== null) {
      child.kill();
      throw new Error(`sshd did not start: ${probe.stderr} ${readFileSync(join(dir, 'sshd.log'), 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    bin: join(dir, 'bin'),
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
