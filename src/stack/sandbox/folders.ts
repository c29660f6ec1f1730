import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { AnchoredDir, isInside, LinkRefused } from './anchored.js';

/**
 * Containers write their outputs into a graded (scratch) folder as their own users: let them.
 * Links are never followed: the walk goes through folder handles (anchored.ts), so a folder a
 * container swaps for a link meanwhile is not entered, and a mode is set on the handle.
 */
export function openForContainers(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const walk = (folder: AnchoredDir) => {
    folder.chmod(0o777);
    for (const name of readdirSync(folder.path)) {
      const stats = folder.entry(name);
      if (!stats || stats.isSymbolicLink()) continue;
      if (stats.isDirectory()) {
        let sub: AnchoredDir;
        try {
          sub = folder.child(name);
        } catch (error) {
          if (error instanceof LinkRefused) continue;
          throw error;
        }
        try {
          walk(sub);
        } finally {
          sub.close();
        }
      } else if (stats.isFile()) folder.chmodFile(name, stats.mode | 0o666);
    }
  };
  const top = AnchoredDir.open(dir);
  try {
    walk(top);
  } finally {
    top.close();
  }
}

/** More entries than this under a graded folder: the link sweep refuses (fails closed) rather than stop early. */
export class TooManyEntries extends Error {}

export { isInside };

/**
 * Removes symbolic links under `dir` that lead outside it (or nowhere). Code in a container can
 * write `out.csv -> /etc/shadow` into its bind-mounted folder; checks that read files on the
 * host must never follow such a link to the host's own file. Links are resolved by the kernel
 * (realpath.native), so `x/..` after a link climbs where the kernel would, not lexically. The walk
 * goes through folder handles: a folder swapped for a link while it runs is not entered, and a
 * link is removed by its handle's path, never through another link.
 * Returns the removed paths; throws TooManyEntries past `limit` entries (never leaves links unchecked).
 */
export function dropEscapingLinks(dir: string, limit = 100_000): string[] {
  if (!existsSync(dir)) return [];
  const root = realpathSync.native(dir);
  const removed: string[] = [];
  let seen = 0;
  const walk = (folder: AnchoredDir, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(folder.path);
    } catch {
      return; // a folder a container made unreadable: the host-side checks cannot read it either
    }
    for (const name of names) {
      if (++seen > limit)
        throw new TooManyEntries(
          `${dir} holds more than ${limit} files and folders; de-lab does not grade an output that large`,
        );
      const stats = folder.entry(name);
      if (!stats) continue;
      if (stats.isSymbolicLink()) {
        let real: string | undefined;
        try {
          real = realpathSync.native(`${folder.path}/${name}`);
        } catch {
          real = undefined;
        }
        if (real === undefined || !isInside(root, real)) {
          folder.remove(name);
          removed.push(join(rel, name));
        }
      } else if (stats.isDirectory()) {
        let sub: AnchoredDir;
        try {
          sub = folder.child(name);
        } catch (error) {
          if (error instanceof LinkRefused) {
            folder.remove(name); // swapped for a link since the lstat: not entered, removed as a link
            removed.push(join(rel, name));
            continue;
          }
          throw error;
        }
        try {
          walk(sub, join(rel, name));
        } finally {
          sub.close();
        }
      }
    }
  };
  const top = AnchoredDir.open(dir);
  try {
    walk(top, '');
  } finally {
    top.close();
  }
  return removed;
}
