import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

/**
 * The classic builder's cache is the chain of untagged parent images below a built image.
 * Removing a check's image with its parents (the engine's default) throws that cache away, so the
 * next check of the same Dockerfile lines, a learner's or the reference's, runs every `RUN` again:
 * `apt-get install python3` alone takes 30–60 s behind this proxy. So checks remove their images
 * with `noprune` and record the chain they leave here. The newest chains stay as cache; older ones,
 * and all of them at `de-lab gc`, are removed.
 *
 * A kept layer is only ever reused by a build whose instruction and parent are the same (and,
 * for COPY, whose files are), so one learner's chain cannot stand in for different work.
 */
export const KEPT_CHAINS = 24;

export interface CachedChain {
  /** The engine the chain is on (its socket or host). */
  engine: string;
  /** Untagged parents, the deepest (nearest the removed image) first. */
  ids: string[];
}

export function engineKey(docker: Dockerode): string {
  // docker-modem's default socketPath is a function that finds the socket: the default engine.
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: number | string };
  if (typeof modem.socketPath === 'string') return modem.socketPath;
  return modem.host ? `${modem.host}:${modem.port ?? ''}` : 'default';
}

/** The untagged parents of `tag`, deepest first, up to the first tagged image (the base). */
export async function untaggedParents(docker: Dockerode, tag: string): Promise<string[]> {
  const ids: string[] = [];
  let info = (await docker.getImage(tag).inspect()) as { Parent?: string };
  for (let parent = info.Parent; parent && ids.length < 200; parent = info.Parent) {
    info = (await docker.getImage(parent).inspect()) as { Parent?: string; RepoTags?: string[] };
    const tags = ((info as { RepoTags?: string[] }).RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    if (tags.length > 0) break;
    ids.push(parent);
  }
  return ids;
}

const recordName = (chain: CachedChain) =>
  `${chain.ids[0]!.replace(/^sha256:/, '').slice(0, 64)}-${Buffer.from(chain.engine).toString('hex').slice(-24)}`;

/** Records a chain (or marks it used again): the newest KEPT_CHAINS records stay. */
export function recordChain(dir: string, chain: CachedChain): void {
  if (chain.ids.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, recordName(chain));
  writeFileSync(file, JSON.stringify(chain));
  const now = new Date();
  utimesSync(file, now, now);
}

interface Record_ {
  file: string;
  chain: CachedChain;
  mtimeMs: number;
}

export function readChains(dir: string): Record_[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: Record_[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const chain = JSON.parse(readFileSync(file, 'utf8')) as CachedChain;
      if (typeof chain.engine === 'string' && Array.isArray(chain.ids) && chain.ids.length > 0)
        records.push({ file, chain, mtimeMs: statSync(file).mtimeMs });
      else rmSync(file, { force: true });
    } catch {
      rmSync(file, { force: true });
    }
  }
  return records.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** The records of this engine beyond the newest `keep` (all with keep 0). */
export function chainsToDrop(records: Record_[], engine: string, keep: number): Record_[] {
  return records.filter((r) => r.chain.engine === engine).slice(keep);
}

/**
 * Removes a chain: its deepest image, with its untagged parents (the engine's default prune).
 * A layer another chain or image still builds on stays (409); one already gone is fine (404).
 */
export async function dropChain(docker: Dockerode, record: Record_): Promise<void> {
  for (const id of record.chain.ids) {
    try {
      await docker.getImage(id).remove({});
      break;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) continue;
      if (status === 409) break;
      throw error;
    }
  }
  rmSync(record.file, { force: true });
}
