import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A hash of the contents of some files of a folder (a missing file counts as its own state). */
export function contentsOf(dir: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(join(dir, file)));
    } catch {
      hash.update('\u0000missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
