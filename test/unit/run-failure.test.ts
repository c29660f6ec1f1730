import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFailureLines } from '../../src/cli/render/run-failure.js';
import { keepRunLog } from '../../src/stack/run-program.js';
import { configureColor } from '../../src/ui/style.js';
import { tempDir } from '../helpers/temp.js';

describe('de-lab run: a failed program', () => {
  beforeAll(() => configureColor(false));

  it('says the exit code, what to do and where the output is', () => {
    expect(runFailureLines(3, undefined, '/w/.de-lab/runs/day4-x.log')).toEqual([
      '',
      '✖ Your program exited with code 3. Read the error above, fix your file, then run it again.',
      '  The output is kept in /w/.de-lab/runs/day4-x.log.',
    ]);
    expect(runFailureLines(1, { message: { en: 'Kafka is down.', ko: '카프카가 멈췄습니다.' } }, 'l')[1]).toBe(
      '✖ Your program exited with code 1. Kafka is down.',
    );
  });

  it('keeps its output under .de-lab/runs, and still answers when that cannot be written', () => {
    const root = tempDir('de-lab-runlog-');
    const file = keepRunLog(root, 'day4', 'windowed-counts', 'Traceback…');
    expect(file).toBe(join(root, '.de-lab', 'runs', 'day4-windowed-counts.log'));
    expect(readFileSync(file, 'utf8')).toBe('Traceback…');
    writeFileSync(join(root, 'plain'), '');
    expect(keepRunLog(join(root, 'plain'), 'day4', 'x', 'out')).toBe(
      join(root, 'plain', '.de-lab', 'runs', 'day4-x.log'),
    );
  });
});
