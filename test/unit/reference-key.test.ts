import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GradingSpec } from '../../src/grading/context.js';
import { referenceKey } from '../../src/grading/runner.js';
import { tempDir } from '../helpers/temp.js';

// A cached reference run stays valid until something it depends on changes: the exercise, its
// solution and starter, the day's gen/ and the helpers days share (labs/shared/gen).
describe('referenceKey', () => {
  const labs = tempDir('de-lab-reference-key-');
  const dir = join(labs, 'day9', 'exercises', 'one');
  for (const folder of ['solution', 'starter', '../../gen', '../../../shared/gen'])
    mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, 'exercise.yaml'), 'id: one\n');
  writeFileSync(join(dir, 'solution', 'job.py'), 'print(1)\n');
  writeFileSync(join(labs, 'day9', 'gen', 'day9.py'), 'print("gen")\n');
  writeFileSync(join(labs, 'shared', 'gen', 'kafka_io.py'), 'BOOTSTRAP = "kafka:9092"\n');
  const spec = { day: 'day9', exercise: 'one', dir, files: ['job.py'], steps: [], checks: [] } as GradingSpec;

  it('changes with the seed, the day gen/ and the shared helpers, and only then', () => {
    const first = referenceKey(spec, 7);
    expect(referenceKey(spec, 7)).toBe(first);
    expect(referenceKey(spec, 8)).not.toBe(first);
    writeFileSync(join(labs, 'day9', 'gen', 'day9.py'), 'print("gen 2")\n');
    const second = referenceKey(spec, 7);
    expect(second).not.toBe(first);
    writeFileSync(join(labs, 'shared', 'gen', 'kafka_io.py'), 'BOOTSTRAP = "kafka:9093"\n');
    expect(referenceKey(spec, 7)).not.toBe(second);
  });
});
