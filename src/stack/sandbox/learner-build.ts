import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { withBuildTurn } from './image-lock.js';
import type { Limits } from './limits.js';

export class BuildFailure extends Error {
  constructor(
    message: string,
    readonly output?: string,
  ) {
    super(message);
  }
}

/**
 * A cgroup that caps the processes of every RUN container of one build. The Engine API has no
 * pids option for builds, but it has `cgroupparent`: the classic builder creates each RUN
 * container below that parent, and a pids.max set on the parent holds for all of them.
 * Works where de-lab can write the engine's cgroupfs (root, cgroupfs driver, v1 or v2); elsewhere
 * it returns undefined and the caller reports the build as not pids-limited.
 */
export async function buildPidsCgroup(
  docker: Dockerode,
  name: string,
  pids: number,
): Promise<{ parent: string; remove: () => void } | undefined> {
  const info = (await docker.info().catch(() => undefined)) as
    | { CgroupDriver?: string; CgroupVersion?: string }
    | undefined;
  if (!info || info.CgroupDriver !== 'cgroupfs') return undefined;
  const root = info.CgroupVersion === '2' ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids';
  const dir = join(root, name);
  try {
    if (info.CgroupVersion === '2' && !readFileSync(join(root, 'cgroup.subtree_control'), 'utf8').includes('pids'))
      return undefined;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pids.max'), String(pids));
  } catch {
    return undefined;
  }
  return {
    parent: `/${name}`,
    remove: () => {
      // Cgroup folders are removed with rmdir (their files are virtual); other controllers' folders that runc made too.
      for (const base of info.CgroupVersion === '2'
        ? [root]
        : [
            '/sys/fs/cgroup/pids',
            '/sys/fs/cgroup/memory',
            '/sys/fs/cgroup/cpu,cpuacct',
            '/sys/fs/cgroup/cpuset',
            '/sys/fs/cgroup/blkio',
            '/sys/fs/cgroup/devices',
            '/sys/fs/cgroup/freezer',
            '/sys/fs/cgroup/net_cls,net_prio',
            '/sys/fs/cgroup/perf_event',
            '/sys/fs/cgroup/hugetlb',
            '/sys/fs/cgroup/systemd',
            '/sys/fs/cgroup/rdma',
          ]) {
        try {
          if (existsSync(join(base, name))) rmdirSync(join(base, name));
        } catch {
          // still busy or not ours to remove: the folder is empty and harmless
        }
      }
    },
  };
}

function tail(lines: string[], n: number): string {
  return lines.slice(-n).join('\n');
}

/**
 * Builds a learner's Dockerfile through the Engine API with the grading limits: memory (no swap),
 * CPU, pids (through a cgroup parent, when the host allows it) and a deadline that cancels the
 * build. Returns the last lines of output and whether the pids limit applied.
 */
export async function buildLearnerImage(input: {
  docker: Dockerode;
  context: string;
  dockerfile: string;
  tag: string;
  limits: Limits;
  timeoutSec: number;
  labels: Record<string, string>;
}): Promise<{ output: string; pidsLimited: boolean }> {
  if (!existsSync(join(input.context, input.dockerfile))) throw new BuildFailure(`${input.dockerfile} does not exist`);
  // Its cache layers must outlive the build: no learner image is removed (and pruned) meanwhile.
  return withBuildTurn(() => build(input));
}

async function build(
  input: Parameters<typeof buildLearnerImage>[0],
): Promise<{ output: string; pidsLimited: boolean }> {
  const { pack } = await import('tar-fs');
  const cgroup = await buildPidsCgroup(
    input.docker,
    `de-lab-build-${process.pid}-${Date.now().toString(36)}`,
    input.limits.pids,
  );
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), input.timeoutSec * 1000);
  const lines: string[] = [];
  try {
    // Links are packed as links, never followed: a Dockerfile cannot COPY a host file through one.
    const stream = await input.docker.buildImage(
      pack(input.context, { dereference: false }) as unknown as NodeJS.ReadableStream,
      {
        t: input.tag,
        dockerfile: input.dockerfile,
        rm: true,
        forcerm: true,
        memory: input.limits.memoryBytes,
        memswap: input.limits.memoryBytes,
        cpuperiod: 100_000,
        cpuquota: Math.round(input.limits.cpus * 100_000),
        ...(cgroup ? { cgroupparent: cgroup.parent } : {}),
        labels: input.labels,
        abortSignal: abort.signal,
      },
    );
    await new Promise<void>((resolve, reject) => {
      input.docker.modem.followProgress(
        stream,
        (error: Error | null, events: Array<{ error?: string }>) => {
          const failed = abort.signal.aborted
            ? `timed out after ${input.timeoutSec} s`
            : (error?.message ?? events.find((e) => e.error)?.error);
          if (failed) reject(new BuildFailure(`docker build failed: ${failed.trim()}`, tail(lines, 15)));
          else resolve();
        },
        (event: { stream?: string; error?: string }) => {
          for (const line of (event.stream ?? event.error ?? '').split('\n'))
            if (line.trim()) lines.push(line.trimEnd());
        },
      );
    });
  } catch (error) {
    if (abort.signal.aborted && !(error instanceof BuildFailure))
      throw new BuildFailure(`docker build failed: timed out after ${input.timeoutSec} s`, tail(lines, 15));
    throw error;
  } finally {
    clearTimeout(timer);
    cgroup?.remove();
  }
  return {
    output: tail(
      lines.filter((l) => l.trim()),
      5,
    ),
    pidsLimited: cgroup !== undefined,
  };
}
