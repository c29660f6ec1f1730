import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Day 4's state-bounded check counts a stream-stream join's state rows from the checkpoint's files
 * (labs/day4/gen/statestore.py) instead of starting Spark. The fixtures are real checkpoints
 * written by Spark 4.0 in the day-4 image; the counts below are what Spark's own `statestore` reader
 * gave on the same files (test/fixtures/graders/day4/state/README.md). Host python3 only: no JVM.
 */
const GEN = resolve('labs/day4/gen');
const FIXTURES = resolve('test/fixtures/graders/day4/state');
// By its full path: one test runs it with a PATH that has no Spark.
const python =
  spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() ?? '';
const scratch = mkdtempSync(join(tmpdir(), 'de-lab-statestore-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(python, [join(GEN, script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const counts = (checkpoint: string) => run('statestore.py', [checkpoint]);

describe.skipIf(!python)("day 4's state files reader (no JVM)", () => {
  it.each([
    ['pass', { batch: 3, left: 115, right: 9 }], // the reference solution: watermarks and a time bound
    ['fail', { batch: 1, left: 260, right: 33 }], // the starter: no watermark, every row kept
    ['snapshots', { batch: 6, left: 26, right: 7 }], // snapshots, then deltas with removals
  ])('%s: the same rows as Spark reads', (fixture, want) => {
    const r = counts(join(FIXTURES, fixture, 'checkpoint'));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(want);
  });

  it('fails with the file and the reason when a block checksum does not match', () => {
    const copy = join(scratch, 'flipped');
    cpSync(join(FIXTURES, 'pass', 'checkpoint'), copy, { recursive: true });
    const delta = join(copy, 'state', '0', '0', 'left-keyWithIndexToValue', '1.delta');
    const bytes = readFileSync(delta);
    bytes[40] = bytes[40]! ^ 0x01; // inside the first block's data (its header is 21 bytes)
    writeFileSync(delta, bytes);
    const r = counts(copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/state\/0\/0\/left-keyWithIndexToValue\/1\.delta: .*(checksum|LZ4 block)/);
  });

  it('fails on an empty file, which Spark could not read either', () => {
    const copy = join(scratch, 'emptied');
    cpSync(join(FIXTURES, 'pass', 'checkpoint'), copy, { recursive: true });
    writeFileSync(join(copy, 'state', '0', '1', 'left-keyWithIndexToValue', '4.delta'), '');
    const r = counts(copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('state/0/1/left-keyWithIndexToValue/4.delta: the file is empty');
  });

  it('knows it cannot read a store layout it has not seen (exit 2: Spark decides)', () => {
    const copy = join(scratch, 'layout');
    cpSync(join(FIXTURES, 'pass', 'checkpoint'), copy, { recursive: true });
    for (const store of [
      'left-keyToNumValues',
      'left-keyWithIndexToValue',
      'right-keyToNumValues',
      'right-keyWithIndexToValue',
    ])
      renameSync(join(copy, 'state', '0', '0', store), join(copy, 'state', '0', '0', `${store}-v9`));
    const r = counts(copy);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('state/0/0 holds no store this reader knows');
  });

  it('fails when a delta of the chain is missing', () => {
    const copy = join(scratch, 'gap');
    cpSync(join(FIXTURES, 'pass', 'checkpoint'), copy, { recursive: true });
    rmSync(join(copy, 'state', '0', '1', 'right-keyWithIndexToValue', '2.delta'));
    const r = counts(copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('right-keyWithIndexToValue has no 2.delta');
  });

  it('knows it cannot read another codec (exit 2) and the check falls back to Spark', () => {
    const checkpoint = join(FIXTURES, 'unknown-codec', 'checkpoint');
    const r = counts(checkpoint);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('compressed with zstd');

    // state.py then runs itself again under spark-submit with the JVM reader. This host has no
    // Spark: a spark-submit of the test's own records the command line it was given.
    const log = join(scratch, 'spark-submit.args');
    writeFileSync(join(scratch, 'spark-submit'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`);
    chmodSync(join(scratch, 'spark-submit'), 0o755);
    const verdict = run('state.py', ['--checkpoint', checkpoint, '--verdict'], {
      PATH: `${scratch}:${process.env.PATH}`,
      DE_LAB_VERDICT_NONCE: 'n',
    });
    expect(verdict.stderr).toContain("compressed with zstd; reading the state with Spark's statestore reader");
    expect(verdict.stdout).toBe(''); // the verdict is the Spark run's to print
    const argv = readFileSync(log, 'utf8').trim().split('\n');
    expect(argv.slice(0, 2)).toEqual(['--driver-memory', '512m']);
    expect(argv.slice(-7)).toEqual([
      '--checkpoint',
      checkpoint,
      '--max-share',
      '0.7',
      '--reader',
      'spark',
      '--verdict',
    ]);
  });

  it('says "no verdict" (a grader error, not a 0) when Spark cannot be started for the fallback', () => {
    const r = run('state.py', ['--checkpoint', join(FIXTURES, 'unknown-codec', 'checkpoint'), '--verdict'], {
      PATH: '/nonexistent',
      DE_LAB_VERDICT_NONCE: 'n',
    });
    expect(r.code).toBe(70);
    expect(r.stdout).not.toContain('DE-LAB-VERDICT');
    expect(r.stderr).toContain('cannot start spark-submit');
  });
});
