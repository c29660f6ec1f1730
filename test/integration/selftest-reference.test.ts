import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import type { SelftestRow } from '../helpers/selftest.js';

/**
 * selftest runs a reference solution once: that run is the reference the starter is compared
 * with, and the solution's own result. `--twice` runs it again as a submission, which catches a
 * reference whose output changes between runs. Fixture day7's seeded-squares (a `rows: reference`
 * check), in a copy whose solution prints a random column.
 */
describe('selftest and the reference run', () => {
  const labs = mkdtempSync(join(tmpdir(), 'de-lab-selftest-ref-'));
  cpSync(join(repoRoot, 'test', 'fixtures', 'grading'), labs, { recursive: true });
  writeFileSync(
    join(labs, 'day7', 'exercises', 'seeded-squares', 'solution', 'squares.sh'),
    [
      '#!/bin/sh',
      '# The seeded squares, plus a column that changes from run to run.',
      'awk -v seed="$1" -v noise="$(od -An -N4 -tu4 /dev/urandom | tr -d " ")" \'BEGIN { srand(seed); print "n,square,noise"; for (i = 0; i < 5; i++) { n = int(rand() * 100); print n "," n * n "," noise } }\'',
      '',
    ].join('\n'),
  );
  const env = isolatedEnv({ DE_LAB_LABS_DIR: labs });
  afterAll(() => rmSync(labs, { recursive: true, force: true }));
  const selftest = async (extra: string[]) => {
    const result = await deLab(['selftest', 'day7', '--exercise', 'seeded-squares', '--json', ...extra], { env });
    return { ...result, row: (JSON.parse(result.stdout) as { rows: SelftestRow[] }).rows[0]! };
  };

  it('runs the solution once by default, --twice shows that its output changes between runs, and an empty reference fails', async () => {
    const once = await selftest([]);
    expect(once.row.verdict, once.stdout).toBe('ok');
    expect(once.row.solution?.passed, once.stdout).toBe(true);
    expect(once.row.starter?.failing.join(' '), once.stdout).toMatch(/same-as-reference/);
    expect(once.exitCode).toBe(0);

    const twice = await selftest(['--twice']);
    expect(twice.row.verdict, twice.stdout).toBe('violation');
    expect(twice.row.solution?.failing.join(' '), twice.stdout).toMatch(/^same-as-reference/);
    expect(twice.exitCode).toBe(1);

    // A reference that produces no rows fails its own run (nothing to compare with), so the
    // starter is not judged against nothing.
    writeFileSync(
      join(labs, 'day7', 'exercises', 'seeded-squares', 'solution', 'squares.sh'),
      '#!/bin/sh\necho "n,square"\n',
    );
    const empty = await selftest([]);
    expect(empty.row.verdict, empty.stdout).toBe('violation');
    expect(empty.row.solution?.failing.join(' '), empty.stdout).toMatch(/same-as-reference .*produced no rows/);
    expect(empty.row.starter, empty.stdout).toBeUndefined();
  });
});
