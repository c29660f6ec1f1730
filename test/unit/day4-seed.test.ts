import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp.js';
import { courseSeed } from '../../src/course/seed.js';

/**
 * Day 4's graders must not be fooled by an output copied from another seed's run: for every
 * exercise, the amounts the graded run sends (events per wave, broken, late, clicks within 15
 * minutes, events of users without a row) change with the seed, not only the records. The day's
 * generator is plain Python (no Spark, no Kafka for `events.py plan`), run here with the host's
 * python3 on the exact options each exercise.yaml passes to gen/drive.py.
 */
const DAY4 = resolve('labs/day4');
const GEN = join(DAY4, 'gen');
const EXERCISES = ['parse-events', 'windowed-counts', 'enrich-users', 'click-attribution', 'checkpoint-recovery'];
const python = spawnSync('python3', ['--version']).status === 0;

interface Wave {
  wave: number;
  events: number;
  records: number;
  valid: number;
  malformed: number;
  late: number;
  clicks_within_15_minutes: number;
  events_of_users_without_row: number;
}
interface Plan {
  seed: number;
  users: { missing: number; duplicate_share: number };
  waves: Wave[];
}

/** The gen/drive.py invocations of an exercise's steps: the options that decide what is sent. */
function driveRuns(exercise: string): string[][] {
  const doc = parse(readFileSync(join(DAY4, 'exercises', exercise, 'exercise.yaml'), 'utf8')) as {
    steps: Array<{ command?: string[] }>;
  };
  const runs: string[][] = [];
  for (const step of doc.steps) {
    const command = step.command ?? [];
    const at = command.indexOf('/opt/de-lab/gen/drive.py');
    if (at < 0) continue;
    const args = command.slice(at + 1);
    const kept: string[] = [];
    for (const flag of ['--waves', '--events', '--late-share', '--bad-share', '--disorder-share']) {
      const i = args.indexOf(flag);
      if (i >= 0) kept.push(flag, args[i + 1]!);
    }
    runs.push(kept);
  }
  return runs;
}

/** `events.py plan` for several seeds in one python3 start: one Plan per seed, in order. */
function plans(args: string[], seeds: number[], fixed = false): Plan[] {
  const out = execFileSync(
    'python3',
    [
      join(GEN, 'events.py'),
      'plan',
      ...seeds.flatMap((seed) => ['--seed', String(seed)]),
      ...args,
      ...(fixed ? ['--fixed'] : []),
    ],
    { encoding: 'utf8' },
  );
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Plan);
}

function plan(args: string[], seed: number, fixed = false): Plan {
  return plans(args, [seed], fixed)[0]!;
}

/** The numbers each exercise's expected output depends on, over all its graded runs, per seed. */
function expectedAmounts(exercise: string, seeds: number[]): Array<Record<string, number>> {
  const perRun = driveRuns(exercise).map((args) => plans(args, seeds));
  return seeds.map((_seed, i) => {
    const waves = perRun.flatMap((run) => run[i]!.waves);
    const sum = (field: keyof Wave) => waves.reduce((total, wave) => total + wave[field], 0);
    const amounts: Record<string, number> = { records: sum('records'), valid: sum('valid') };
    if (exercise === 'windowed-counts') amounts.late = sum('late');
    if (exercise === 'click-attribution') amounts.clicksWithin15 = sum('clicks_within_15_minutes');
    if (exercise === 'enrich-users') {
      amounts.eventsOfUsersWithoutRow = sum('events_of_users_without_row');
      amounts.usersWithoutRow = perRun[0]![i]!.users.missing;
    }
    return amounts;
  });
}

describe.skipIf(!python)('day 4: the seed decides the amounts the graders expect', () => {
  it('every exercise runs gen/drive.py with options this test can read', () => {
    for (const exercise of EXERCISES) expect(driveRuns(exercise).length, exercise).toBeGreaterThan(0);
    expect(driveRuns('checkpoint-recovery')).toHaveLength(2); // before and after the crash
  });

  it('for every exercise, the counts behind its expected output differ between seeds', () => {
    const seeds = [1, 2, 3, 4, courseSeed()];
    const table: Record<string, Array<Record<string, number>>> = {};
    for (const exercise of EXERCISES) {
      table[exercise] = expectedAmounts(exercise, seeds);
      // The count that the exercise's count-like check compares (valid events = output records
      // of parse-events, rows of enrich-users and checkpoint-recovery; attributed clicks) takes
      // several values over five seeds, and no two seeds give the same set of amounts.
      const key = exercise === 'click-attribution' ? 'clicksWithin15' : 'valid';
      const values = new Set(table[exercise]!.map((row) => row[key]));
      expect(
        values.size,
        `${exercise}: ${key} over seeds ${seeds.join(', ')}: ${[...values].join(', ')}`,
      ).toBeGreaterThanOrEqual(4);
      const distinct = new Set(table[exercise]!.map((row) => JSON.stringify(row)));
      expect(distinct.size, `${exercise}: ${JSON.stringify(table[exercise])}`).toBe(seeds.length);
    }
    // The late events of windowed-counts (what its watermark must drop) and the users without a
    // row of enrich-users vary too.
    expect(new Set(table['windowed-counts']!.map((row) => row.late)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(table['enrich-users']!.map((row) => row.usersWithoutRow)).size).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('the same seed always gives the same amounts, and --fixed gives exactly what was asked', () => {
    const args = ['--waves', '1,2', '--events', '200', '--late-share', '0.1', '--bad-share', '0.02'];
    expect(plan(args, 7)).toEqual(plan(args, 7));
    const fixed = plan(args, 7, true);
    expect(fixed.waves.map((w) => [w.events, w.malformed, w.late])).toEqual([
      [200, 4, 0],
      [200, 4, 20],
    ]);
    expect(fixed.users).toEqual({ missing: 3, duplicate_share: 0.2 });
    for (const wave of plan(args, 7).waves) {
      expect(wave.events).toBeGreaterThanOrEqual(140);
      expect(wave.events).toBeLessThanOrEqual(260);
    }
  }, 60_000);
});

/** A file sink's folder as Spark writes it: part files plus one log file per batch in _spark_metadata. */
function fakeSink(root: string, batches: Array<Array<Record<string, unknown>>>, commits: number[] | null) {
  const sink = join(root, 'out');
  mkdirSync(join(sink, '_spark_metadata'), { recursive: true });
  batches.forEach((rows, batch) => {
    const part = join(sink, `part-${batch}.json`);
    writeFileSync(part, rows.map((row) => JSON.stringify(row) + '\n').join(''));
    writeFileSync(
      join(sink, '_spark_metadata', String(batch)),
      `v1\n${JSON.stringify({ path: `file://${part}`, size: 1, isDir: false, modificationTime: 0, blockReplication: 1, blockSize: 1, action: 'add' })}\n`,
    );
  });
  if (commits) {
    mkdirSync(join(root, 'checkpoint', 'commits'), { recursive: true });
    mkdirSync(join(root, 'checkpoint', 'offsets'), { recursive: true });
    for (const id of commits) {
      writeFileSync(join(root, 'checkpoint', 'commits', String(id)), 'v1\n{"nextBatchWatermarkMs":0}\n');
      writeFileSync(join(root, 'checkpoint', 'offsets', String(id)), 'v1\n{}\n{"t":{"0":1}}\n');
    }
  }
  return sink;
}

function filesink(args: string[]) {
  const run = spawnSync('python3', [join(GEN, 'filesink.py'), ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe.skipIf(!python)('day 4: filesink.py, what the graders read after a job', () => {
  it('checkpoint --verdict: one nonce-bound verdict line, exit 0, for a good sink and for a missing or malformed one', () => {
    const verdictOf = (sink: string, checkpoint: string) => {
      const run = spawnSync(
        'python3',
        [
          join(GEN, 'filesink.py'),
          'checkpoint',
          '--sink',
          sink,
          '--checkpoint',
          checkpoint,
          '--field',
          'event_id',
          '--verdict',
        ],
        { encoding: 'utf8', env: { ...process.env, DE_LAB_VERDICT_NONCE: 'n0nce' } },
      );
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.split('\n').filter((line) => line.startsWith('DE-LAB-VERDICT n0nce '));
      expect(lines, run.stdout).toHaveLength(1);
      return JSON.parse(lines[0]!.slice('DE-LAB-VERDICT n0nce '.length)) as { ok: boolean; found: string };
    };
    const good = tempDir('day4-sink-');
    fakeSink(good, [[{ event_id: 'a' }], [{ event_id: 'b' }]], [0, 1]);
    expect(verdictOf(join(good, 'out'), join(good, 'checkpoint'))).toMatchObject({ ok: true });
    const missing = verdictOf(join(good, 'nothing'), join(good, 'checkpoint'));
    expect(missing).toMatchObject({ ok: false });
    expect(missing.found).toContain('has no _spark_metadata');
    const broken = tempDir('day4-sink-');
    mkdirSync(join(broken, 'out', '_spark_metadata'), { recursive: true });
    writeFileSync(join(broken, 'out', '_spark_metadata', '0'), 'v1\n{not json\n');
    expect(verdictOf(join(broken, 'out'), join(broken, 'checkpoint'))).toMatchObject({ ok: false });
  });

  it('checkpoint: passes only when the checkpoint committed the batches the sink committed', () => {
    const good = tempDir('day4-sink-');
    fakeSink(good, [[{ event_id: 'a' }], [{ event_id: 'b' }]], [0, 1]);
    const ok = filesink([
      'checkpoint',
      '--sink',
      join(good, 'out'),
      '--checkpoint',
      join(good, 'checkpoint'),
      '--field',
      'event_id',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('2 rows in batches 0..1');

    // Files written without a streaming query into checkpoint/ (or a checkpoint kept elsewhere).
    const elsewhere = tempDir('day4-sink-');
    fakeSink(elsewhere, [[{ event_id: 'a' }]], null);
    const none = filesink([
      'checkpoint',
      '--sink',
      join(elsewhere, 'out'),
      '--checkpoint',
      join(elsewhere, 'checkpoint'),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('holds no committed batch');

    // A checkpoint that stopped before the sink's last batch: another query wrote the sink.
    const other = tempDir('day4-sink-');
    fakeSink(other, [[{ event_id: 'a' }], [{ event_id: 'b' }], [{ event_id: 'c' }]], [0]);
    const mismatch = filesink(['checkpoint', '--sink', join(other, 'out'), '--checkpoint', join(other, 'checkpoint')]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('but the sink committed batches 0..2');

    // Rows without the field the exercise writes: the example row is shown.
    const wrongShape = filesink([
      'checkpoint',
      '--sink',
      join(good, 'out'),
      '--checkpoint',
      join(good, 'checkpoint'),
      '--field',
      'window_start',
    ]);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr).toContain('none with a field window_start; first row: {"event_id": "a"}');

    // A sink whose batches hold no rows (a query that read nothing).
    const nothing = tempDir('day4-sink-');
    fakeSink(nothing, [[]], [0]);
    const noRows = filesink([
      'checkpoint',
      '--sink',
      join(nothing, 'out'),
      '--checkpoint',
      join(nothing, 'checkpoint'),
      '--field',
      'event_id',
    ]);
    expect(noRows.code).toBe(1);
    expect(noRows.stderr).toContain('out/ committed no rows (batches 0..0)');

    // No sink at all.
    const empty = tempDir('day4-sink-');
    const missing = filesink(['checkpoint', '--sink', join(empty, 'out'), '--checkpoint', join(empty, 'checkpoint')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no streaming file sink committed anything');
  }, 60_000);

  it('stats: counts, distinct values and sums, with a repeated value as the example', () => {
    const dir = tempDir('day4-stats-');
    const file = join(dir, 'result.jsonl');
    writeFileSync(
      file,
      ['{"event_id":"b","events":3}', '{"event_id":"a","events":4}', '{"event_id":"b","events":3}'].join('\n') + '\n',
    );
    expect(filesink(['stats', '--file', file, '--unique', 'event_id', '--sum', 'events']).stdout).toBe(
      'rows=3 unique_event_id=2 sum_events=10 (e.g. event_id "b" appears 2 times)',
    );
    writeFileSync(file, '{"event_id":"a","events":4}\n');
    expect(filesink(['stats', '--file', file, '--unique', 'event_id']).stdout).toBe('rows=1 unique_event_id=1');
  });

  it('collect: only rows of committed batches, sorted, whatever else lies in the folder', () => {
    const dir = tempDir('day4-collect-');
    const sink = fakeSink(dir, [[{ event_id: 'b' }, { event_id: 'a' }]], [0]);
    writeFileSync(join(sink, 'part-uncommitted.json'), '{"event_id":"zz"}\n'); // a batch interrupted by a crash
    const out = join(dir, 'result.jsonl');
    expect(filesink(['collect', '--sink', sink, '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('{"event_id":"a"}\n{"event_id":"b"}\n');
  });
});
