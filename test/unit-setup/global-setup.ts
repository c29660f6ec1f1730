import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

const root = resolve(import.meta.dirname, '..', '..');

/** Folders de-lab itself keeps in the temp folder on purpose, shared by runs: not a test's leftovers. */
const KEPT_BY_DE_LAB = new Set(['de-lab-check-modules', 'de-lab-image-lock']);

/** The newest modification time of any file under a folder (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * The unit suite on a fresh clone: a few files run the built CLI (`bin/de-lab.js` loads dist/),
 * so dist/ is built here when it is missing or older than src/.
 * Every unit test gets a private temp folder (TMPDIR); at the end it must hold no `de-lab-*`
 * entry, so a test that leaves its temp files behind fails the run; the folder itself goes too.
 */
export default async function setup(): Promise<() => void> {
  if (newest(join(root, 'dist')) < newest(join(root, 'src'))) {
    const build = await execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, reject: false });
    if (build.exitCode !== 0) throw new Error(`Building dist/ for the unit tests failed:\n${build.stdout}`);
  }
  const outer = process.env.TMPDIR;
  const privateTmp = mkdtempSync(join(tmpdir(), 'vitest-unit-'));
  process.env.TMPDIR = privateTmp;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const left = readdirSync(privateTmp).filter((name) => name.startsWith('de-lab-') && !KEPT_BY_DE_LAB.has(name));
    rmSync(privateTmp, { recursive: true, force: true });
    if (left.length > 0)
      throw new Error(
        `Unit tests left ${left.length} de-lab-* entries in the temp folder: ${left.slice(0, 10).join(', ')}`,
      );
  };
}
