import { describe, expect, it } from 'vitest';
import { canonical } from '../../src/grading/compare.js';
import { compareByKey, kafkaTopicKind } from '../../src/grading/kinds/kafka.js';
import { checkSchema, type Check } from '../../src/grading/schema.js';

type KafkaCheck = Extract<Check, { kind: 'kafka-topic' }>;

const title = { en: 'check', ko: '검사' };
const topic = (expect: Record<string, unknown>) =>
  checkSchema.parse({ id: 'k', title, kind: 'kafka-topic', topic: 'counts', expect }) as KafkaCheck;
type Rec = [string, unknown];
const seen = (count: number, records?: Rec[], partitions = 3) => ({ exists: true, partitions, count, records });

describe('kafka-topic kind: judge', () => {
  it('a missing topic fails, or passes when absence is expected', () => {
    expect(kafkaTopicKind.judge(topic({}), { exists: false }, undefined)).toEqual({
      ok: false,
      expected: 'topic counts exists',
      found: 'no such topic',
    });
    expect(kafkaTopicKind.judge(topic({ exists: false }), { exists: false }, undefined)).toEqual({
      ok: true,
      expected: 'no topic counts',
      found: 'no such topic',
    });
    expect(kafkaTopicKind.judge(topic({ exists: false }), seen(0), undefined)).toEqual({
      ok: false,
      expected: 'no topic counts',
      found: 'it exists',
    });
  });

  it('partitions and a literal count', () => {
    const check = topic({ partitions: 3, count: 10 });
    expect(kafkaTopicKind.judge(check, seen(10), undefined)).toMatchObject({ ok: true });
    expect(kafkaTopicKind.judge(check, seen(10, undefined, 1), undefined)).toEqual({
      ok: false,
      expected: 'partitions 3',
      found: 'partitions 1',
    });
    expect(kafkaTopicKind.judge(check, seen(9), undefined)).toEqual({
      ok: false,
      expected: 'records 10',
      found: 'records 9',
    });
    expect(kafkaTopicKind.judge(topic({ count: 0 }), seen(0), undefined).ok).toBe(true);
  });

  it('count: reference compares with the reference run', () => {
    const check = topic({ count: 'reference' });
    expect(kafkaTopicKind.needsReference(check)).toBe(true);
    expect(kafkaTopicKind.needsReference(topic({ count: 5 }))).toBe(false);
    expect(kafkaTopicKind.judge(check, seen(42), seen(42)).ok).toBe(true);
    expect(kafkaTopicKind.judge(check, seen(41), seen(42))).toEqual({
      ok: false,
      expected: 'records 42',
      found: 'records 41',
    });
    // no reference observation: nothing to equal, so it fails
    expect(kafkaTopicKind.judge(check, seen(0), undefined).ok).toBe(false);
  });

  it('records: reference compares by key as a multiset', () => {
    const check = topic({ records: 'reference' });
    expect(kafkaTopicKind.needsReference(check)).toBe(true);
    const reference = seen(2, [
      ['서울', { n: 3 }],
      ['부산', { n: 5 }],
    ]);
    expect(
      kafkaTopicKind.judge(
        check,
        seen(2, [
          ['부산', { n: 5 }],
          ['서울', { n: 3 }],
        ]),
        reference,
      ),
    ).toEqual({
      ok: true,
      expected: "topic counts; 2 records equal to the reference's by key",
      found: 'exists; 2 matching records',
    });
    const v = kafkaTopicKind.judge(
      check,
      seen(2, [
        ['부산', { n: 5 }],
        ['서울', { n: 4 }],
      ]),
      reference,
    );
    expect(v.ok).toBe(false);
    expect(v.found).toBe('2 records; 1 missing (e.g. key 서울), 1 unexpected or duplicated (e.g. key 서울)');
  });

  // Fixed (issue 15), was: BUG: records: reference with no reference records (no reference observation, or the reference's topic
  // did not exist) compares with [] and an EMPTY learner topic passes. count: reference fails in that case.
  // Input: judge(topic({records: 'reference'}), {exists: true, count: 0, records: []}, undefined) -> ok.
  it('records: reference without reference records fails', () => {
    const v = kafkaTopicKind.judge(topic({ records: 'reference' }), seen(0, []), undefined);
    expect(v.ok).toBe(false);
  });
});

describe('compareByKey', () => {
  it('equal multisets in any order pass', () => {
    const e: Rec[] = [
      ['a', 1],
      ['b', { x: [1, 2] }],
      ['a', 2],
    ];
    expect(
      compareByKey(
        [
          ['a', 2],
          ['b', { x: [1, 2] }],
          ['a', 1],
        ],
        e,
        1e-6,
      ),
    ).toEqual({ ok: true, expected: "3 records equal to the reference's by key", found: '3 matching records' });
  });

  it('a duplicated record fails even though every record is a reference record (multiset, not set)', () => {
    const v = compareByKey(
      [
        ['a', 1],
        ['a', 1],
        ['b', 2],
      ],
      [
        ['a', 1],
        ['b', 2],
      ],
      1e-6,
    );
    expect(v).toEqual({
      ok: false,
      expected: "2 records equal to the reference's by key",
      found: '3 records; 0 missing, 1 unexpected or duplicated (e.g. key a)',
    });
    expect(
      compareByKey(
        [
          ['a', 1],
          ['a', 1],
        ],
        [
          ['a', 1],
          ['b', 2],
        ],
        1e-6,
      ).found,
    ).toBe('2 records; 1 missing (e.g. key b), 1 unexpected or duplicated (e.g. key a)');
  });

  it('the same value under another key does not match', () => {
    expect(compareByKey([['x', 1]], [['y', 1]], 1e-6)).toMatchObject({
      ok: false,
      found: '1 records; 1 missing (e.g. key y), 1 unexpected or duplicated (e.g. key x)',
    });
  });

  it('empty against empty passes; anything against empty fails', () => {
    expect(compareByKey([], [], 1e-6).ok).toBe(true);
    expect(compareByKey([['a', 1]], [], 1e-6).ok).toBe(false);
    expect(compareByKey([], [['a', 1]], 1e-6).ok).toBe(false);
  });

  it('values compare with the tolerance, JSON values structurally (as canonical() leaves them)', () => {
    const e: Rec[] = [['k', canonical({ avg: '2.5', window: { start: '2024-01-01T00:00:00' } })]];
    expect(
      compareByKey([['k', canonical({ window: { start: '2024-01-01T00:00:00' }, avg: 2.5000000001 })]], e, 1e-6).ok,
    ).toBe(true);
    expect(compareByKey([['k', canonical({ window: { start: '2024-01-01T00:05:00' }, avg: 2.5 })]], e, 1e-6).ok).toBe(
      false,
    );
    expect(compareByKey([['k', { avg: 2.6, window: { start: '2024-01-01T00:00:00' } }]], e, 1e-6).ok).toBe(false);
    expect(compareByKey([['k', { avg: 2.6, window: { start: '2024-01-01T00:00:00' } }]], e, 0.1).ok).toBe(true);
  });

  it('null values and plain-text values', () => {
    expect(compareByKey([['k', null]], [['k', null]], 1e-6).ok).toBe(true);
    expect(compareByKey([['k', null]], [['k', 'null']], 1e-6).ok).toBe(false);
    expect(compareByKey([['null', 'plain text 값']], [['null', 'plain text 값']], 1e-6).ok).toBe(true);
  });

  it('Korean keys and values', () => {
    const e: Rec[] = [
      ['서울', { 구: '강남', n: 1 }],
      ['부산', { 구: '해운대', n: 2 }],
    ];
    expect(
      compareByKey(
        [
          ['부산', { n: 2, 구: '해운대' }],
          ['서울', { 구: '강남', n: 1 }],
        ],
        e,
        1e-6,
      ).ok,
    ).toBe(true);
    expect(
      compareByKey(
        [
          ['부산', { n: 2, 구: '해운대' }],
          ['서울', { 구: '서초', n: 1 }],
        ],
        e,
        1e-6,
      ),
    ).toMatchObject({ ok: false, found: expect.stringContaining('key 서울') });
  });

  it('large inputs: 5,000 records in reverse order pass; one dropped fails and is named', () => {
    const e: Rec[] = Array.from({ length: 5000 }, (_, i) => [`user-${i % 500}`, { n: i, avg: i / 3 }]);
    expect(compareByKey([...e].reverse(), e, 1e-6)).toMatchObject({ ok: true, found: '5000 matching records' });
    const short = e.filter((_, i) => i !== 1234);
    expect(compareByKey(short, e, 1e-6)).toMatchObject({
      ok: false,
      found: '4999 records; 1 missing (e.g. key user-234), 0 unexpected or duplicated',
    });
  });

  // Fixed (issue 15), was: BUG (same root as equalWithin): integers compare with a relative tolerance, so with the default 1e-6
  // a window key's count of 1,000,001 equals the reference's 1,000,000, and epoch-millisecond window
  // starts five minutes apart are equal. Input: compareByKey([['w', {start: 1700000300000, n: 1000001}]],
  // [['w', {start: 1700000000000, n: 1000000}]], 1e-6) -> ok.
  it('counts and epoch timestamps compare exactly', () => {
    expect(
      compareByKey(
        [['w', { start: 1_700_000_300_000, n: 1_000_001 }]],
        [['w', { start: 1_700_000_000_000, n: 1_000_000 }]],
        1e-6,
      ).ok,
    ).toBe(false);
  });

  // Fixed (issue 15), was: BUG (minor): records are matched greedily (first fit), so with overlapping tolerances a valid pairing
  // is missed. Input: actual [['k',1.0000008],['k',1.0]] expected [['k',1.0],['k',1.0000015]] tol 1e-6:
  // 1.0000008 takes 1.0, then 1.0 is 1.5e-6 from 1.0000015 -> fails; the pairing (1.0000008, 1.0000015),
  // (1.0, 1.0) exists.
  it('finds a pairing when tolerances overlap', () => {
    expect(
      compareByKey(
        [
          ['k', 1.0000008],
          ['k', 1.0],
        ],
        [
          ['k', 1.0],
          ['k', 1.0000015],
        ],
        1e-6,
      ).ok,
    ).toBe(true);
  });
});
