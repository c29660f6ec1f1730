import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * scripts/lint-labs.mjs (`npm run lint:labs`) on a small copy of the layout with the repository's
 * ruff.toml: lint findings, syntax errors and unformatted graders fail it; starters may import what
 * the learner is meant to use, and exercises keep their layout.
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

const lint = (root: string, ...args: string[]) =>
  execa('node', [join(repoRoot, 'scripts', 'lint-labs.mjs'), '--root', root, ...args], { reject: false });

const CLEAN = 'import os\n\nprint(os.sep)\n';

describe('lint:labs', () => {
  it('passes clean files, an unused import in a starter and an unformatted solution', async () => {
    const root = lab({
      'labs/day9/gen/ok.py': CLEAN,
      'labs/day9/exercises/x/starter/job.py': 'import os\nimport shutil\n\nprint(os.sep)\n',
      'labs/day9/exercises/x/solution/job.py': 'import os\nprint( os.sep )\n',
    });
    const run = await lint(root);
    expect(run.stdout).toContain('lint:labs: 3 Python files pass Ruff');
    expect(run.exitCode).toBe(0);
  });

  it('fails on an unused import, a syntax error and an unformatted grader, naming each', async () => {
    const root = lab({
      'labs/day9/gen/unused.py': 'import os\nimport sys\n\nprint(os.sep)\n',
      'labs/day9/gen/broken.py': 'def f(:\n    pass\n',
      'labs/day9/gen/messy.py': 'x=1\nprint( x )\n',
      'labs/day9/exercises/x/solution/job.py': 'import shutil\n',
      'labs/day9/notes/ignored.py': 'import sys\n',
    });
    const run = await lint(root);
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split('\n').filter((l) => l.startsWith('labs/'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'labs/day9/exercises/x/solution/job.py:1:8:',
      'labs/day9/gen/broken.py:1:7:',
      'labs/day9/gen/broken.py:1:8:',
      'labs/day9/gen/messy.py:1:1:',
      'labs/day9/gen/unused.py:2:8:',
    ]);
    expect(run.stdout).toContain('F401 `sys` imported but unused');
    expect(run.stdout).toContain('invalid-syntax');
    expect(run.stdout).toContain('labs/day9/gen/messy.py:1:1: format not formatted by Ruff');
  });

  it('--write formats graders only, then the check passes', async () => {
    const messy = 'x=1\nprint( x )\n';
    const root = lab({ 'labs/day9/gen/messy.py': messy, 'labs/day9/exercises/x/starter/job.py': messy });
    const run = await lint(root, '--write');
    expect(run.stdout).toContain('lint:labs: formatted 1 file(s).');
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(root, 'labs/day9/gen/messy.py'), 'utf8')).toBe('x = 1\nprint(x)\n');
    expect(readFileSync(join(root, 'labs/day9/exercises/x/starter/job.py'), 'utf8')).toBe(messy);
    expect((await lint(root)).exitCode).toBe(0);
  });

  it('--write lints the formatted text: a `# noqa` the formatter moves no longer silences', async () => {
    const long = `where = lambda d: f"WHERE ${'a'.repeat(110)} {d}"  # noqa: E731\n`;
    const root = lab({ 'labs/day9/gen/where.py': long });
    expect((await lint(root)).stdout).not.toContain('E731');
    const run = await lint(root, '--write');
    expect(run.stdout).toMatch(/labs\/day9\/gen\/where\.py:1:1: E731 /);
    expect(run.exitCode).toBe(1);
  });
});
