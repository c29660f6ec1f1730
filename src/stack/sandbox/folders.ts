import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Containers write their outputs into a graded (scratch) folder as their own users: let them. Links are never followed. */
export function openForContainers(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if (stats.isDirectory()) {
      chmodSync(path, 0o777);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else chmodSync(path, stats.mode | 0o666);
  };
  walk(dir);
}

/** More entries than this under a graded folder: the link sweep refuses (fails closed) rather than stop early. */
export class TooManyEntries extends Error {}

/** `path` is `root` or under it (a name like `..data` is inside; only `..` itself or `../…` climbs out). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Removes symbolic links under `dir` that lead outside it (or nowhere). Code in a container can
 * write `out.csv -> /etc/shadow` into its bind-mounted folder; checks that read files on the
 * host must never follow such a link to the host's own file. Links are resolved by the kernel
 * (realpath.native), so `x/..` after a link climbs where the kernel would, not lexically.
 * Returns the removed paths; throws TooManyEntries past `limit` entries (never leaves links unchecked).
 */
export function dropEscapingLinks(dir: string, limit = 100_000): string[] {
  if (!existsSync(dir)) return [];
  const root = realpathSync.native(dir);
  const removed: string[] = [];
  let seen = 0;
  const walk = (path: string) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return; // a folder a container made unreadable: the host-side checks cannot read it either
    }
    for (const name of names) {
      if (++seen > limit)
        throw new TooManyEntries(
          `${dir} holds more than ${limit} files and folders; de-lab does not grade an output that large`,
        );
      const child = join(path, name);
      const stats = lstatSync(child, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isSymbolicLink()) {
        let real: string | undefined;
        try {
          real = realpathSync.native(child);
        } catch {
          real = undefined;
        }
        if (real === undefined || !isInside(root, real)) {
          rmSync(child, { force: true });
          removed.push(relative(dir, child));
        }
      } else if (stats.isDirectory()) walk(child);
    }
  };
  walk(dir);
  return removed;
}
