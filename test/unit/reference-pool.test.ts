import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GradingSpec } from '../../src/grading/context.js';
import { tempDir } from '../helpers/temp.js';

// The pool's stack is an engine's containers: here, only the calls to open and close it are
// counted. The grading itself (referenceObservations) answers at once.
const calls: string[] = [];
vi.mock('../../src/stack/sandbox/learner-stack.js', () => ({
  GRADE_PROJECT_PREFIX: 'de-lab-grade',
  learnerProject: (day: string, who: string) => `de-lab-grade-${day}-${who}`,
  openLearnerStack: vi.fn(async (input: { project: string; root: string }) => {
    calls.push('open');
    return { project: input.project, dayDir: input.root, portVars: {} };
  }),
  closeLearnerStack: vi.fn(async () => {
    calls.push('close');
  }),
}));
vi.mock('../../src/grading/session.js', () => ({
  referenceObservations: vi.fn(async (common: { exercise: string }) => {
    calls.push(`reference ${common.exercise}`);
    return { rows: common.exercise };
  }),
}));

const { ReferencePool } = await import('../../src/grading/grade/run.js');

const tmp = tempDir('de-lab-reference-pool-');
// What a reference's cache key reads: the exercise's folders, the day's gen/ and the shared helpers.
for (const folder of ['day9/gen', 'shared/gen']) mkdirSync(join(tmp, folder), { recursive: true });
const spec = (exercise: string, needs: boolean) => {
  const dir = join(tmp, 'day9', 'exercises', exercise);
  for (const folder of ['solution', 'starter']) mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, 'exercise.yaml'), `id: ${exercise}\n`);
  return {
    day: 'day9',
    exercise,
    dir,
    files: [],
    steps: [],
    checks: [
      {
        id: 'same',
        kind: 'command',
        service: 'app',
        command: ['true'],
        expect: { exitCode: 0, stdoutEqualsReference: needs },
      },
    ],
  } as unknown as GradingSpec;
};

function pool(specs: GradingSpec[]) {
  const store = { referenceFile: (id: string, seed: number) => join(tmp, `${id}-${seed}.json`) };
  return new ReferencePool(
    { docker: {}, lab: { id: 'day9' }, prefix: 'de-lab' } as never,
    store as never,
    new Map(specs.map((s) => [s.exercise, s])),
    7,
    tmp,
    'ab12',
  );
}

describe('ReferencePool', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('removes its stack once every exercise that needs a reference has one, not before', async () => {
    const references = pool([spec('one', true), spec('two', true), spec('plain', false)]);
    await expect(references.get('one')).resolves.toEqual({ rows: 'one' });
    await Promise.resolve();
    expect(calls).toEqual(['open', 'reference one']);
    await expect(references.get('plain')).resolves.toBeUndefined();
    await expect(references.get('two')).resolves.toEqual({ rows: 'two' });
    await vi.waitFor(() => expect(calls).toEqual(['open', 'reference one', 'reference two', 'close']));
    // The end of the run closes nothing twice; a reference asked for again comes from memory.
    await references.close();
    await expect(references.get('one')).resolves.toEqual({ rows: 'one' });
    expect(calls).toEqual(['open', 'reference one', 'reference two', 'close']);
  });

  it('keeps the stack while an exercise that needs a reference has had none, and the end removes it', async () => {
    const references = pool([spec('one', true), spec('two', true)]);
    await references.get('one');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual(['open', 'reference one']);
    await references.close();
    expect(calls).toEqual(['open', 'reference one', 'close']);
  });
});
