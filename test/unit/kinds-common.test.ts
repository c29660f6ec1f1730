import { describe, expect, it } from 'vitest';
import { allOf, field } from '../../src/grading/kinds/types.js';

describe('allOf and field (shared by every judge)', () => {
  it('allOf returns the first failure', () => {
    const v = allOf([
      { ok: true, expected: 'a', found: 'a' },
      { ok: false, expected: 'b', found: 'x' },
      { ok: false, expected: 'c', found: 'y' },
    ]);
    expect(v).toEqual({ ok: false, expected: 'b', found: 'x' });
  });

  it('allOf joins passing verdicts', () => {
    expect(
      allOf([
        { ok: true, expected: 'a', found: '1' },
        { ok: true, expected: 'b', found: '2' },
      ]),
    ).toEqual({ ok: true, expected: 'a; b', found: '1; 2' });
  });

  it('field compares JSON values strictly (type included)', () => {
    expect(field('partitions', 3, 3)).toEqual({ ok: true, expected: 'partitions 3', found: 'partitions 3' });
    expect(field('partitions', 3, '3')).toEqual({ ok: false, expected: 'partitions 3', found: 'partitions "3"' });
    expect(field('x', null, undefined)).toMatchObject({ ok: false, found: 'x undefined' });
    expect(field('이름', '서울', '서울').ok).toBe(true);
    expect(field('list', [1, 2], [2, 1]).ok).toBe(false);
  });

  // Fixed (issue 15), was: BUG: field() compares JSON.stringify texts: objects equal up to key order differ.
  // Input: field('env', {A: '1', B: '2'}, {B: '2', A: '1'}) -> ok false.
  it('field treats objects with the same keys in another order as equal', () => {
    expect(field('env', { A: '1', B: '2' }, { B: '2', A: '1' }).ok).toBe(true);
  });

  // Every judge is synchronous and unguarded: runner.evaluate() calls kind.judge() outside any try, so a
  // judge that throws ends runExercise() (which promises never to throw for the learner's faults).
  // allOf of no verdicts passes: a check with no expectation cannot fail (see kinds-command.test.ts).
  it('allOf of nothing passes (so an empty expectation passes anything)', () => {
    expect(allOf([])).toEqual({ ok: true, expected: '', found: '' });
  });
});
