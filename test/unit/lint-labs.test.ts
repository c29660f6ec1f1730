import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lintLabs } from '../../scripts/lint-labs.mjs';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * scripts/lint-labs.mjs (`npm run lint:labs`) on a small copy of the layout with the repository's
 * ruff.toml: lint findings, syntax errors and unformatted graders fail it; starters may import what
 * the learner is meant to use, and exercises keep their layout. In-process (Ruff's wasm loads once),
 * plus one run of the script for its output and exit codes.
 */
function lab(files: Record<string, string>): string {
  const root = tempDir('de-lab-lint-labs-');
  copyFileSync(join(repoRoot, 'ruff.toml'), join(root, 'ruff.toml'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const where = (root: string, write = false) =>
  lintLabs(root, { write }).findings.map((f) => `${f.file}:${f.row}:${f.column} ${f.code}`);

const CLEAN = 'import os\n\nprint(os.sep)\n';
const MESSY = 'x=1\nprint( x )\n';

// Ruff's wasm build loads and runs slowly on a busy 2-core machine (25 s alone, over 30 s under load).
describe('lint:labs', { timeout: 120_000 }, () => {
  it('passes clean files, an unused import in a starter and an unformatted solution', () => {
    const root = lab({
      'labs/day9/gen/ok.py': CLEAN,
      'labs/day9/exercises/x/starter/job.py': 'import os\nimport shutil\n\nprint(os.sep)\n',
      'labs/day9/exercises/x/solution/job.py': MESSY,
    });
    expect(lintLabs(root)).toEqual({ files: 3, findings: [], formatted: 0 });
  });

  it('finds an unused import, a syntax error and an unformatted grader; skips files outside include', () => {
    const root = lab({
      'labs/day9/gen/unused.py': 'import os\nimport sys\n\nprint(os.sep)\n',
      'labs/day9/gen/broken.py': 'def f(:\n    pass\n',
      'labs/day9/gen/messy.py': MESSY,
      'labs/day9/exercises/x/solution/job.py': 'import shutil\n',
      'labs/day9/notes/ignored.py': 'import sys\n',
    });
    expect(where(root)).toEqual([
      'labs/day9/exercises/x/solution/job.py:1:8 F401',
      'labs/day9/gen/broken.py:1:7 invalid-syntax',
      'labs/day9/gen/broken.py:1:8 invalid-syntax',
      'labs/day9/gen/messy.py:1:1 format',
      'labs/day9/gen/unused.py:2:8 F401',
    ]);
  });

  it('--write formats graders only, then the check passes', () => {
    const root = lab({ 'labs/day9/gen/messy.py': MESSY, 'labs/day9/exercises/x/starter/job.py': MESSY });
    expect(lintLabs(root, { write: true })).toEqual({ files: 2, findings: [], formatted: 1 });
    expect(readFileSync(join(root, 'labs/day9/gen/messy.py'), 'utf8')).toBe('x = 1\nprint(x)\n');
    expect(readFileSync(join(root, 'labs/day9/exercises/x/starter/job.py'), 'utf8')).toBe(MESSY);
    expect(where(root)).toEqual([]);
  });

  it('--write lints the formatted text: a `# noqa` the formatter moves no longer silences', () => {
    const long = `where = lambda d: f"WHERE ${'a'.repeat(110)} {d}"  # noqa: E731\n`;
    const root = lab({ 'labs/day9/gen/where.py': long });
    expect(where(root)).toEqual(['labs/day9/gen/where.py:1:1 format']); // the noqa silences E731 here
    expect(where(root, true)).toEqual(['labs/day9/gen/where.py:1:1 E731']);
  });

  it('as a script: prints each finding, a hint and exits 1; exits 0 once fixed', async () => {
    const root = lab({ 'labs/day9/gen/unused.py': 'import sys\n', 'labs/day9/gen/messy.py': MESSY });
    const script = join(repoRoot, 'scripts', 'lint-labs.mjs');
    const failed = await execa('node', [script, '--root', root], { reject: false });
    expect(failed.stdout.split('\n')).toEqual([
      'labs/day9/gen/messy.py:1:1: format not formatted by Ruff',
      'labs/day9/gen/unused.py:1:8: F401 `sys` imported but unused',
      'lint:labs: 2 finding(s) in the Python of labs/: fix them; `npm run format:labs` fixes the formatting.',
    ]);
    expect(failed.exitCode).toBe(1);
    writeFileSync(join(root, 'labs/day9/gen/unused.py'), CLEAN);
    const passed = await execa('node', [script, '--root', root, '--write'], { reject: false });
    expect(passed.stdout).toMatch(/^lint:labs: formatted 1 file\(s\)\.\nlint:labs: 2 Python files pass Ruff \d/);
    expect(passed.exitCode).toBe(0);
  });
});
