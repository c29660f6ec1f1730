import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import {
  chainsToDrop,
  dropChain,
  engineKey,
  KEPT_CHAINS,
  readChains,
  recordChain,
  untaggedParents,
} from './build-cache.js';

/**
 * Learner images are built with the classic builder, whose cache is made of untagged
 * intermediate images. Removing a learner's image prunes its untagged parents, and those can be
 * the very cache layers that another learner's build (same Dockerfile lines) is about to start a
 * container from: that build then fails with "unable to find image sha256:…".
 *
 * So builds and removals take turns, across workers and across de-lab processes on this machine:
 * any number of builds at once, or one removal. A build registers a file; a removal holds a
 * folder. Each side writes its own mark first and then looks for the other's, so two that start
 * together cannot both go ahead. Marks of dead processes are ignored and cleared.
 */
export interface ImageLockOptions {
  dir?: string;
  pollMs?: number;
  timeoutMs?: number;
}

const defaults = { pollMs: 150, timeoutMs: 30 * 60_000 };

export function imageLockDir(): string {
  return join(tmpdir(), 'de-lab-image-lock');
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function removalHeld(dir: string): boolean {
  const owner = join(dir, 'removal');
  let pid = 0;
  try {
    pid = Number(readFileSync(join(owner, 'pid'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The folder without its pid file is a removal that is just starting, or one that died then.
    let made: number;
    try {
      made = statSync(owner).mtimeMs;
    } catch {
      return false;
    }
    if (Date.now() - made < 10_000) return true;
  }
  if (pid && alive(pid)) return true;
  clear(owner);
  return false;
}

function clear(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // another user's mark in a shared tmp: it stays until its owner clears it
  }
}

function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    // Every user's de-lab on this machine shares one engine, so one lock folder.
    chmodSync(dir, 0o1777);
  } catch {
    // made by another user, who opened it already
  }
}

/** The processes whose builds are running now; marks of dead ones are cleared on the way. */
function liveBuilds(dir: string): number[] {
  const live: number[] = [];
  for (const name of readdirSync(dir)) {
    const match = /^build-(\d+)-/.exec(name);
    if (!match) continue;
    if (alive(Number(match[1]))) live.push(Number(match[1]));
    else clear(join(dir, name));
  }
  return live;
}

function removalOwner(dir: string): string {
  try {
    return readFileSync(join(dir, 'removal', 'pid'), 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

function timedOut(what: string, timeoutMs: number, holder: string): Error {
  return new Error(
    `gave up waiting ${timeoutMs < 60_000 ? `${Math.round(timeoutMs / 1000)} s` : `${Math.round(timeoutMs / 60_000)} min`} to ${what}: ${holder}; ` +
      'once it is done or stopped, run de-lab gc to remove what was left',
  );
}

/** Runs a build while no learner image is being removed. */
export async function withBuildTurn<T>(work: () => Promise<T>, options: ImageLockOptions = {}): Promise<T> {
  const { dir = imageLockDir(), pollMs = defaults.pollMs, timeoutMs = defaults.timeoutMs } = options;
  prepare(dir);
  const mark = join(dir, `build-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!removalHeld(dir)) {
      writeFileSync(mark, '');
      if (!removalHeld(dir)) break;
      unlinkSync(mark);
    }
    if (Date.now() > deadline)
      throw timedOut('build', timeoutMs, `de-lab process ${removalOwner(dir)} is still removing images`);
    await sleep(pollMs);
  }
  try {
    return await work();
  } finally {
    rmSync(mark, { force: true });
  }
}

/** Runs a removal of images while no learner build runs, and no other removal. */
export async function withRemovalTurn<T>(work: () => Promise<T>, options: ImageLockOptions = {}): Promise<T> {
  const { dir = imageLockDir(), pollMs = defaults.pollMs, timeoutMs = defaults.timeoutMs } = options;
  prepare(dir);
  const owner = join(dir, 'removal');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(owner);
      writeFileSync(join(owner, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      removalHeld(dir);
    }
    if (Date.now() > deadline)
      throw timedOut('remove images', timeoutMs, `de-lab process ${removalOwner(dir)} is still removing images`);
    await sleep(pollMs);
  }
  try {
    for (let builders = liveBuilds(dir); builders.length > 0; builders = liveBuilds(dir)) {
      if (Date.now() > deadline)
        throw timedOut(
          'remove images',
          timeoutMs,
          `de-lab process ${[...new Set(builders)].join(', ')} is still building a learner image`,
        );
      await sleep(pollMs);
    }
    return await work();
  } finally {
    rmSync(owner, { recursive: true, force: true });
  }
}

/**
 * Removes images by tag (never by id: two learners whose builds hit the same cache share one
 * image id) in one removal turn. Returns the error of each tag that was not removed.
 * With keepCache, the untagged parents stay as build cache (see build-cache.ts): the newest
 * KEPT_CHAINS chains of this engine are kept, older ones go in the same turn.
 */
export async function removeImagesInTurn(
  docker: Dockerode,
  tags: Iterable<string>,
  options: { force?: boolean; keepCache?: boolean } & ImageLockOptions = {},
): Promise<Map<string, unknown>> {
  const list = [...new Set(tags)];
  const failed = new Map<string, unknown>();
  if (list.length === 0) return failed;
  const cacheDir = join(options.dir ?? imageLockDir(), 'cache');
  await withRemovalTurn(async () => {
    for (const tag of list) {
      let parents: string[] = [];
      try {
        parents = options.keepCache ? await untaggedParents(docker, tag) : [];
        await docker.getImage(tag).remove({
          ...(options.force ? { force: true } : {}),
          ...(options.keepCache ? { noprune: true } : {}),
        });
      } catch (error) {
        failed.set(tag, error);
        continue;
      }
      try {
        recordChain(cacheDir, { engine: engineKey(docker), ids: parents });
      } catch {
        // an unwritable record: the layers stay as the engine's dangling images, for `docker image prune`
      }
    }
    if (options.keepCache)
      for (const record of chainsToDrop(readChains(cacheDir), engineKey(docker), KEPT_CHAINS))
        await dropChain(docker, record).catch(() => undefined);
  }, options);
  return failed;
}

/** Removes every build-cache chain that checks left on this engine (de-lab gc). Returns how many. */
export async function dropBuildCache(docker: Dockerode, options: ImageLockOptions = {}): Promise<number> {
  const cacheDir = join(options.dir ?? imageLockDir(), 'cache');
  return withRemovalTurn(async () => {
    const records = chainsToDrop(readChains(cacheDir), engineKey(docker), 0);
    let dropped = 0;
    // A layer the engine will not remove now stays recorded for the next gc.
    for (const record of records)
      dropped += await dropChain(docker, record).then(
        () => 1,
        () => 0,
      );
    return dropped;
  }, options);
}
