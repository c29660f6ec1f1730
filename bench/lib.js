// What the benchmark scripts share: where the repository is, their command line, the median.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The script's own arguments. */
export const args = process.argv.slice(2);

/** The value after `name` on the command line, or `fallback`; as a string either way. */
export function option(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? String(args[i + 1]) : String(fallback);
}

/** The median of the values (0 when there are none). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
