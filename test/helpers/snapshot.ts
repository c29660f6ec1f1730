import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every name, mode and content under a folder (links as links): proves a host folder unchanged. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stats = lstatSync(full);
      const mode = (stats.mode & 0o7777).toString(8);
      out[relative(dir, full)] = stats.isDirectory() ? `dir ${mode}` : `file ${mode} ${readFileSync(full, 'utf8')}`;
      if (stats.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}
