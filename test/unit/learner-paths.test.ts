import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { findLab } from '../../src/course/labs.js';
import { mapCheck, mapStep, pathMapper } from '../../src/grading/learner-paths.js';
import { runExercise } from '../../src/grading/runner.js';
import { gradingSchema } from '../../src/grading/schema.js';

const mount = '/home/spark/work/day3/.grading/partitions-learner-4242-ab12';

describe('messages name the learner’s own paths', () => {
  const show = pathMapper([mount, '/home/kim/course/day3/.grading/partitions-learner-4242-ab12'], 'day3/partitions');

  it('maps the scratch copy in the container and on the host to day/exercise', () => {
    expect(show(`File "${mount}/partitions.py", line 12`)).toBe('File "day3/partitions/partitions.py", line 12');
    expect(show('/home/kim/course/day3/.grading/partitions-learner-4242-ab12/out/result is empty')).toBe(
      'day3/partitions/out/result is empty',
    );
    expect(show(`wrote ${mount}`)).toBe('wrote day3/partitions');
    expect(show(`${mount}/a and ${mount}/b`)).toBe('day3/partitions/a and day3/partitions/b');
  });

  it('leaves other paths, and longer names that only start with the folder, alone', () => {
    expect(show(`${mount}9/x.py`)).toBe(`${mount}9/x.py`);
    expect(show(`${mount}-old/x.py`)).toBe(`${mount}-old/x.py`);
    expect(show('/opt/spark-events/abcd')).toBe('/opt/spark-events/abcd');
    expect(pathMapper([], 'day3/x')('/a/b')).toBe('/a/b');
  });

  it('maps every text of a step and a check, and keeps the rest', () => {
    const step = mapStep({ id: 'job', kind: 'command', ok: false, seconds: 1, error: `${mount}/p.py failed` }, show);
    expect(step).toEqual({ id: 'job', kind: 'command', ok: false, seconds: 1, error: 'day3/partitions/p.py failed' });
    const check = mapCheck(
      {
        id: 'c',
        title: 't',
        kind: 'file',
        weight: 1,
        status: 'failed',
        seconds: 0,
        expected: `4 files in ${mount}/out`,
        found: `3 in ${mount}/out`,
      },
      show,
    );
    expect([check.expected, check.found, check.message]).toEqual([
      '4 files in day3/partitions/out',
      '3 in day3/partitions/out',
      undefined,
    ]);
  });
});

describe('runExercise reports the learner’s paths', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('turns the scratch folder in a check’s output into day3/<exercise>', async () => {
    root = mkdtempSync(join(tmpdir(), 'de-lab-paths-'));
    const dayDir = join(root, 'day3');
    const workdir = join(dayDir, '.grading', 'partitions-learner-4242-ab12');
    mkdirSync(workdir, { recursive: true });
    writeFileSync(
      join(workdir, 'log.txt'),
      `Traceback: File "${mount}/partitions.py", line 3\nand ${workdir}/out/result\n`,
    );
    const spec = {
      day: 'day3',
      exercise: 'partitions',
      dir: root,
      files: ['partitions.py'],
      ...gradingSchema.parse({
        checks: [
          {
            id: 'log',
            kind: 'file',
            title: { en: 'log', ko: '로그' },
            path: 'log.txt',
            expect: { text: { contains: 'never there' } },
          },
        ],
      }),
    };
    const { result } = await runExercise({
      docker: {} as Dockerode,
      lab: findLab('day3'),
      spec,
      role: 'learner',
      seed: 1,
      workdir,
      dayDir,
      dayProject: 'de-lab-day3',
      prefix: 'de-lab',
    });
    const check = result.checks[0]!;
    expect(check.status).toBe('failed');
    expect(check.found).toContain('File "day3/partitions/partitions.py", line 3');
    expect(check.found).toContain('day3/partitions/out/result');
    expect(check.found).not.toContain('.grading');
  });
});
