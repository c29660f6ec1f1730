import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * A second Docker engine on this machine: `dockerd` with its own data root, exec root, pid file
 * and unix socket under `root`, in a network namespace of its own (entered with nsenter, so the
 * host's cgroup mounts stay visible). With `hide`, it also runs in a mount namespace of its own
 * where each of those folders is an empty tmpfs: an engine that does not see this machine's
 * folders there, as an engine on another machine would not.
 */
export interface ExtraEngine {
  socket: string;
  root: string;
  pid: number;
  /** Runs the docker CLI against this engine; never throws. */
  docker(args: string[]): ReturnType<typeof execa>;
  /** Whether the daemon runs in a network namespace other than this process's. */
  ownNetns(): boolean;
  /** SIGTERM (as a shutdown would), waiting until the process is gone. */
  stop(): Promise<void>;
  /** Stops it, deletes the namespace and unmounts what a killed daemon left under root. */
  remove(): Promise<void>;
}

export async function startExtraEngine(root: string, tag: string, hide: string[] = []): Promise<ExtraEngine> {
  mkdirSync(root, { recursive: true });
  const socket = join(root, 'docker.sock');
  const netns = `de-lab-it-${tag}`;
  // In the host's namespace, `--bridge=none` would make this dockerd delete the host's docker0,
  // which the default engine's builds and containers need: never start it there.
  if ((await execa('ip', ['netns', 'add', netns], { reject: false })).exitCode !== 0)
    throw new Error(`could not make the network namespace ${netns} (ip netns add): run as root`);
  await execa('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
  const dockerd = [
    'dockerd',
    '--data-root', join(root, 'data'),
    '--exec-root', join(root, 'exec'),
    '--pidfile', join(root, 'dockerd.pid'),
    '--host', `unix://${socket}`,
    '--bridge=none',
    '--iptables=false',
    // Its networks stay apart from the default engine's even without a namespace of its own.
    '--default-address-pool', 'base=10.213.0.0/16,size=24',
  ]; // prettier-ignore
  const hidden = hide.map((dir) => `mount -t tmpfs -o size=1m,mode=0755 de-lab-hidden '${dir}'`).join(' && ');
  const inner = hide.length
    ? ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${hidden} && exec "$@"`, 'sh', ...dockerd]
    : dockerd;
  const log = openSync(join(root, 'dockerd.log'), 'a');
  const command = ['nsenter', `--net=/run/netns/${netns}`, ...inner];
  const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  const docker = (args: string[]) => execa('docker', ['-H', `unix://${socket}`, ...args], { reject: false });
  for (let i = 0; i < 120 && (await docker(['info'])).exitCode !== 0; i++) await new Promise((r) => setTimeout(r, 250));
  let pid: number | undefined = Number(readFileSync(join(root, 'dockerd.pid'), 'utf8'));
  const alive = () => {
    try {
      process.kill(pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async () => {
    if (!pid) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 240 && alive(); i++) await new Promise((r) => setTimeout(r, 250));
    if (alive()) process.kill(pid, 'SIGKILL');
    pid = undefined;
  };
  return {
    socket,
    root,
    get pid() {
      return pid ?? 0;
    },
    docker,
    ownNetns: () => readlinkSync(`/proc/${pid}/ns/net`) !== readlinkSync('/proc/self/ns/net'),
    stop,
    async remove() {
      await stop().catch(() => undefined);
      await execa('ip', ['netns', 'del', netns], { reject: false });
      // A dockerd stopped by SIGKILL could leave its overlay mounts: never remove through them.
      const mounts = readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '');
      for (const mount of mounts.filter((m) => m.startsWith(root)).reverse())
        await execa('umount', ['-l', mount], { reject: false });
    },
  };
}

/** A DOCKER_CONFIG folder of a test's own, with the compose plugin linked from wherever this machine keeps it. */
export function privateDockerConfig(dir: string): void {
  mkdirSync(join(dir, 'cli-plugins'), { recursive: true });
  for (const plugins of [
    join(homedir(), '.docker', 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ])
    if (existsSync(join(plugins, 'docker-compose')) && !existsSync(join(dir, 'cli-plugins', 'docker-compose')))
      symlinkSync(join(plugins, 'docker-compose'), join(dir, 'cli-plugins', 'docker-compose'));
}
