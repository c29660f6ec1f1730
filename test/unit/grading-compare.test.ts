import { describe, expect, it } from 'vitest';
import {
  canonical,
  compareRows,
  equalWithin,
  jsonPath,
  matchText,
  parsePartRows,
  parseRows,
  short,
  splitCsvLine,
} from '../../src/grading/compare.js';

const anyOrder = { tolerance: 1e-6, orderMatters: false };
const inOrder = { tolerance: 1e-6, orderMatters: true };

describe('short', () => {
  it('keeps short text, drops trailing whitespace and stringifies values', () => {
    expect(short('hello  \n')).toBe('hello');
    expect(short({ b: 1, a: [2] })).toBe('{"b":1,"a":[2]}');
    expect(short(undefined)).toBe('undefined');
    expect(short(null)).toBe('null');
    expect(short('서울 날씨')).toBe('서울 날씨');
  });

  it('cuts long text and says how long it was', () => {
    const cut = short('x'.repeat(500));
    expect(cut).toBe(`${'x'.repeat(300)}… (500 chars)`);
    expect(short('abcdef', 3)).toBe('abc… (6 chars)');
    expect(short('abc', 3)).toBe('abc');
  });

  // Fixed (issue 15), was: BUG: the cut is by UTF-16 code unit, so an emoji (surrogate pair) at the cut point is split and
  // the report shows a lone surrogate (renders as U+FFFD, breaks some JSON consumers).
  // Input: short('a'.repeat(299) + '😀' + 'b', 300)
  it('does not split a surrogate pair at the cut', () => {
    const cut = short(`${'a'.repeat(299)}😀b`, 300);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('matchText', () => {
  it('equals compares trimmed text', () => {
    expect(matchText('  42\n', { equals: '42' })).toEqual({ ok: true, expected: 'equals 42', found: '  42' });
    const v = matchText('41\n', { equals: '42' });
    expect(v).toEqual({ ok: false, expected: 'exactly 42', found: '41' });
  });

  it('equals is case and inner-whitespace sensitive', () => {
    expect(matchText('Hello', { equals: 'hello' }).ok).toBe(false);
    expect(matchText('a  b', { equals: 'a b' }).ok).toBe(false);
  });

  it('contains, matches (multiline) and notContains', () => {
    expect(matchText('rows: 10\nok', { contains: 'rows: 10' }).ok).toBe(true);
    expect(matchText('rows: 1', { contains: 'rows: 10' })).toMatchObject({
      ok: false,
      expected: 'text containing rows: 10',
      found: 'rows: 1',
    });
    expect(matchText('first\nTotal 7\nlast', { matches: '^Total \\d+$' }).ok).toBe(true);
    expect(matchText('Total seven', { matches: '^Total \\d+$' })).toMatchObject({
      ok: false,
      expected: 'text matching /^Total \\d+$/',
    });
    expect(matchText('all good', { notContains: 'ERROR' }).ok).toBe(true);
    expect(matchText('an ERROR here', { notContains: 'ERROR' })).toMatchObject({
      ok: false,
      expected: 'text without ERROR',
    });
  });

  it('every given rule must hold: the first failing one is reported', () => {
    const v = matchText('count=3 ERROR', { contains: 'count=3', notContains: 'ERROR' });
    expect(v).toMatchObject({ ok: false, expected: 'text without ERROR' });
    const both = matchText('count=3', { contains: 'count', matches: '=\\d$' });
    expect(both).toEqual({ ok: true, expected: 'contains count, matches =\\d$', found: 'count=3' });
  });

  it('handles Korean text', () => {
    expect(matchText('결과: 서울 12건\n', { contains: '서울 12건' }).ok).toBe(true);
    expect(matchText('결과: 부산 12건', { matches: '서울 \\d+건' })).toMatchObject({
      ok: false,
      found: '결과: 부산 12건',
    });
    expect(matchText('안녕하세요', { equals: '안녕하세요 ' }).ok).toBe(true);
  });

  it('a long found value is cut', () => {
    const v = matchText('y'.repeat(1000), { equals: 'x' });
    expect(v.ok).toBe(false);
    expect(v.found).toContain('(1000 chars)');
    expect(v.found.length).toBeLessThan(400);
  });

  // Issue 15: "Expected and found values are cut at 300 characters. Show where they differ."
  // Input: equals 'a'*400 + 'X' vs actual 'a'*400 + 'Y': both are cut before the difference.
  it('shows where long texts differ (issue 15: cut at 300 characters hides the difference)', () => {
    const v = matchText(`${'a'.repeat(400)}Y`, { equals: `${'a'.repeat(400)}X` });
    expect(v.ok).toBe(false);
    expect(v.found).toContain('Y');
    expect(v.expected).toContain('X');
  });
});

describe('canonical', () => {
  it('sorts object keys recursively and turns numeric strings into numbers', () => {
    const c = canonical({ b: '2', a: { d: ['1.5', 'x'], c: '-3e2' } });
    expect(JSON.stringify(c)).toBe('{"a":{"c":-300,"d":[1.5,"x"]},"b":2}');
  });

  it('leaves non-numeric strings, null and booleans alone', () => {
    expect(canonical(['NaN', 'Infinity', '', ' ', '1.', '.5', '+1', '0x10', 'true', null, true])).toEqual([
      'NaN',
      'Infinity',
      '',
      ' ',
      '1.',
      '.5',
      '+1',
      '0x10',
      'true',
      null,
      true,
    ]);
  });

  it('trims numeric strings and drops leading zeros (ids "007" and "7" are the same)', () => {
    expect(canonical(' 12 ')).toBe(12);
    expect(canonical('007')).toBe(7);
    expect(canonical('1.0E-4')).toBe(0.0001);
  });

  // Fixed (issue 15), was: BUG: numeric strings beyond 2^53 lose precision, so two different 20-digit ids become equal.
  // Input: canonical('12345678901234567890') vs canonical('12345678901234567891')
  it('keeps distinct large integer ids distinct', () => {
    expect(canonical('12345678901234567890')).not.toEqual(canonical('12345678901234567891'));
  });
});

describe('equalWithin', () => {
  it('numbers within a relative tolerance (absolute below 1)', () => {
    expect(equalWithin(0.1 + 0.2, 0.3, 1e-9)).toBe(true);
    expect(equalWithin(1000, 1000.0009, 1e-6)).toBe(true);
    expect(equalWithin(1000, 1000.002, 1e-6)).toBe(false);
    expect(equalWithin(0.000001, 0.0000015, 1e-6)).toBe(true);
    expect(equalWithin(0.0001, 0.0002, 1e-6)).toBe(false);
    expect(equalWithin(-5, 5, 1e-6)).toBe(false);
    expect(equalWithin(3, 3, 0)).toBe(true);
    expect(equalWithin(3, 3.0000001, 0)).toBe(false);
  });

  it('arrays by position and length, objects by keys in any order, nested', () => {
    expect(equalWithin([1, [2, { a: 3 }]], [1, [2, { a: 3.0000000001 }]], 1e-6)).toBe(true);
    expect(equalWithin([1, 2], [2, 1], 1e-6)).toBe(false);
    expect(equalWithin([1, 2], [1, 2, 3], 1e-6)).toBe(false);
    expect(equalWithin({ a: 1, b: 2 }, { b: 2, a: 1 }, 0)).toBe(true);
    expect(equalWithin({ a: 1 }, { a: 1, b: 2 }, 0)).toBe(false);
    expect(equalWithin({ a: 1, b: 2 }, { a: 1, c: 2 }, 0)).toBe(false);
    expect(equalWithin({ a: { b: { c: [1, '서울'] } } }, { a: { b: { c: [1, '서울'] } } }, 0)).toBe(true);
    expect(equalWithin({ a: { b: { c: [1, '서울'] } } }, { a: { b: { c: [1, '부산'] } } }, 0)).toBe(false);
  });

  it('null, strings and mixed types compare strictly', () => {
    expect(equalWithin(null, null, 1e-6)).toBe(true);
    expect(equalWithin(null, 0, 1e-6)).toBe(false);
    expect(equalWithin(null, '', 1e-6)).toBe(false);
    expect(equalWithin(null, {}, 1e-6)).toBe(false);
    expect(equalWithin('1', 1, 1e-6)).toBe(false);
    expect(equalWithin('abc', 'abc', 0)).toBe(true);
    expect(equalWithin('NaN', 'NaN', 0)).toBe(true);
  });

  // Fixed (issue 15), was: BUG: NaN and Infinity (YAML `.nan` / `.inf` in expect.rows, or a check module's numbers) never equal
  // themselves: Math.abs(NaN - NaN) and Math.abs(Inf - Inf) are NaN. Input: equalWithin(NaN, NaN, 1e-6).
  it('NaN equals NaN and Infinity equals Infinity', () => {
    expect(equalWithin(Number.NaN, Number.NaN, 1e-6)).toBe(true);
    expect(equalWithin(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1e-6)).toBe(true);
  });

  // Fixed (issue 15), was: BUG (grading correctness): the tolerance is relative to the magnitude and applies to integers too, so
  // large counts and epoch timestamps compare equal when they differ. Default tolerance 1e-6:
  //   equalWithin(1000000, 1000001, 1e-6) === true                 (a count off by one)
  //   equalWithin(1700000000000, 1700000300000, 1e-6) === true     (epoch ms five minutes apart)
  // A windowed-count output with every window shifted by five minutes passes. compareRows says
  // "a relative tolerance for floats"; integers should compare exactly.
  it('integers compare exactly: a count off by one or a window shifted by 5 minutes differs', () => {
    expect(equalWithin(1_000_000, 1_000_001, 1e-6)).toBe(false);
    expect(equalWithin(1_700_000_000_000, 1_700_000_300_000, 1e-6)).toBe(false);
  });
});

describe('compareRows', () => {
  it('equal rows in any order pass, with canonical numbers and keys', () => {
    const v = compareRows(
      [
        { city: '서울', n: '3' },
        { n: 5, city: '부산' },
      ],
      [
        { city: '부산', n: 5 },
        { city: '서울', n: 3 },
      ],
      anyOrder,
    );
    expect(v).toEqual({ ok: true, expected: '2 rows', found: '2 matching rows' });
  });

  it('array rows (sql) in any order', () => {
    expect(
      compareRows(
        [
          ['b', '2'],
          ['a', '1'],
        ],
        [
          ['a', 1],
          ['b', 2],
        ],
        anyOrder,
      ).ok,
    ).toBe(true);
    expect(
      compareRows(
        [
          ['b', '2'],
          ['a', '1'],
        ],
        [
          ['a', 1],
          ['b', 3],
        ],
        anyOrder,
      ),
    ).toMatchObject({ ok: false, expected: '2 rows, e.g. ["b",3]', found: '["b",2]' });
  });

  it('with orderMatters the same rows in another order fail', () => {
    expect(compareRows([[1], [2]], [[1], [2]], inOrder)).toEqual({
      ok: true,
      expected: '2 rows in order',
      found: '2 matching rows',
    });
    expect(compareRows([[2], [1]], [[1], [2]], inOrder)).toMatchObject({
      ok: false,
      expected: '2 rows in order, e.g. [1]',
      found: '[2]',
    });
  });

  it('counts duplicates (multiset, not set): a duplicated row replacing another fails', () => {
    expect(compareRows([['a'], ['a'], ['b']], [['a'], ['b'], ['b']], anyOrder).ok).toBe(false);
    expect(compareRows([['a'], ['a'], ['b']], [['a'], ['a'], ['b']], anyOrder).ok).toBe(true);
  });

  it('a missing row and an extra row are named', () => {
    const missing = compareRows([['a']], [['a'], ['b']], anyOrder);
    expect(missing).toEqual({ ok: false, expected: '2 rows', found: '1 rows; missing e.g. ["b"]' });
    const extra = compareRows([['a'], ['b'], ['zz']], [['a'], ['b']], anyOrder);
    expect(extra).toEqual({ ok: false, expected: '2 rows', found: '3 rows; unexpected e.g. ["zz"]' });
    expect(compareRows([], [['a']], anyOrder)).toMatchObject({ ok: false, found: '0 rows; missing e.g. ["a"]' });
  });

  // Fixed (issue 15), was: BUG (rule 6, "one offending example"): when the counts differ only by duplicates, no example is given.
  // Input: actual [['a'],['a'],['b']], expected [['a'],['b']] -> found is just "3 rows".
  it('names the duplicated row when the counts differ only by duplicates', () => {
    const v = compareRows([['a'], ['a'], ['b']], [['a'], ['b']], anyOrder);
    expect(v.ok).toBe(false);
    expect(v.found).toContain('"a"');
  });

  it('floats within the tolerance pass, outside fail', () => {
    const expected = [{ avg: 21.333333333 }, { avg: 0.5 }];
    expect(compareRows([{ avg: '21.3333333' }, { avg: 0.5000000001 }], expected, anyOrder).ok).toBe(true);
    expect(compareRows([{ avg: 21.4 }, { avg: 0.5 }], expected, anyOrder).ok).toBe(false);
    expect(compareRows([{ avg: 21.4 }, { avg: 0.5 }], expected, { tolerance: 0.01, orderMatters: false }).ok).toBe(
      true,
    );
  });

  it('null cells match null only', () => {
    expect(compareRows([['a', null]], [['a', null]], anyOrder).ok).toBe(true);
    expect(compareRows([['a', '']], [['a', null]], anyOrder).ok).toBe(false);
    expect(compareRows([['a', 0]], [['a', null]], anyOrder).ok).toBe(false);
  });

  it('nested JSON rows compare structurally', () => {
    const e = [{ user: { id: 1, tags: ['a', 'b'] }, n: 2 }];
    expect(compareRows([{ n: 2, user: { tags: ['a', 'b'], id: '1' } }], e, anyOrder).ok).toBe(true);
    expect(compareRows([{ n: 2, user: { tags: ['b', 'a'], id: 1 } }], e, anyOrder).ok).toBe(false);
  });

  it('Korean values: equal rows pass, a different city fails and is named', () => {
    const e = [
      { city: '서울특별시', n: 1 },
      { city: '부산광역시', n: 2 },
    ];
    expect(
      compareRows(
        [
          { city: '부산광역시', n: 2 },
          { city: '서울특별시', n: 1 },
        ],
        e,
        anyOrder,
      ).ok,
    ).toBe(true);
    const v = compareRows(
      [
        { city: '부산광역시', n: 2 },
        { city: '대구광역시', n: 1 },
      ],
      e,
      anyOrder,
    );
    expect(v.ok).toBe(false);
    expect(`${v.expected} ${v.found}`).toMatch(/서울특별시|대구광역시/);
  });

  it('large inputs: 20,000 rows shuffled pass; one changed cell fails and is named', () => {
    const expected = Array.from({ length: 20_000 }, (_, i) => ({ id: i, city: `도시${i % 97}`, avg: i / 7 }));
    const actual = expected.map((row) => ({ ...row, id: String(row.id) })).reverse();
    expect(compareRows(actual, expected, anyOrder)).toEqual({
      ok: true,
      expected: '20000 rows',
      found: '20000 matching rows',
    });
    actual[12_345] = { ...actual[12_345]!, city: '변경됨' };
    const v = compareRows(actual, expected, anyOrder);
    expect(v.ok).toBe(false);
    expect(v.found).toContain('변경됨');
  });

  // Fixed (issue 15), was: BUG: rows are paired after sorting by a key that rounds floats to 4 decimals; two equal-within-tolerance
  // floats on either side of a rounding boundary sort differently, so a correct multiset fails. Object keys
  // sort alphabetically, so a float column named before the key column ("avg" < "city") decides the order.
  // Input: actual   [{avg: 0.123450001, city: 'b'}, {avg: 0.1234, city: 'c'}]
  //        expected [{avg: 0.123449999, city: 'b'}, {avg: 0.1234, city: 'c'}]   tolerance 1e-6
  it('pairs rows by value, not by a rounded sort key (floats at a rounding boundary)', () => {
    const actual = [
      { avg: 0.123450001, city: 'b' },
      { avg: 0.1234, city: 'c' },
    ];
    const expected = [
      { avg: 0.123449999, city: 'b' },
      { avg: 0.1234, city: 'c' },
    ];
    expect(equalWithin(actual[0], expected[0], 1e-6)).toBe(true);
    expect(compareRows(actual, expected, anyOrder).ok).toBe(true);
  });

  // Was a BUG (not a unit test: a timing; fixed: hashing, sort-then-pair, bounded fallback; see the report): when the row counts differ, the missing/extra examples are searched
  // pairwise (O(n^2) equalWithin calls, synchronous, outside the check timeout, which covers observe only).
  // Measured: 2,000 rows 0.6 s, 5,000 rows 2.3 s, 10,000 rows 10.7 s; 100,000 rows extrapolates to ~18 min.
  // A learner output one row short of a 100k-row reference blocks the grader. See the report.
});

describe('compareRows: tolerant matching when exact matching leaves rows', () => {
  it('noisy floats with one row missing: only the missing row is named', () => {
    const expected = Array.from({ length: 300 }, (_, i) => [i / 7, ((i * 13) % 10) / 3]);
    const actual = expected.filter((_, i) => i !== 150).map(([a, b]) => [a! * (1 + 1e-9), b! * (1 - 1e-9)]);
    const v = compareRows(actual, expected, anyOrder);
    expect(v).toMatchObject({
      ok: false,
      found: expect.stringContaining(`missing e.g. ${JSON.stringify(expected[150])}`),
    });
    expect(v.found).not.toContain('unexpected');
    expect(compareRows([...actual, [150 / 7, ((150 * 13) % 10) / 3]], expected, anyOrder).ok).toBe(true);
  });

  it('many rows sharing their first number pair by the others, and a real difference still fails', () => {
    const expected = Array.from({ length: 500 }, (_, i) => [1.5, i / 3]);
    const actual = expected.map(([a, b]) => [a! + 1e-9, b! * (1 + 1e-9)]).reverse();
    expect(compareRows(actual, expected, anyOrder).ok).toBe(true);
    actual[10] = [1.5, 1000.5];
    expect(compareRows(actual, expected, anyOrder)).toMatchObject({
      ok: false,
      found: expect.stringContaining('1000.5'),
    });
  });

  it('NaN and Infinity cells match only themselves, never null', () => {
    expect(
      compareRows([[Number.NaN], [Number.POSITIVE_INFINITY]], [[Number.POSITIVE_INFINITY], [Number.NaN]], anyOrder).ok,
    ).toBe(true);
    expect(compareRows([[null]], [[Number.NaN]], anyOrder).ok).toBe(false);
  });

  it('a row nested too deeply to compare fails instead of throwing', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(compareRows([deep], [[1]], anyOrder)).toMatchObject({
      ok: false,
      found: 'rows nested too deeply to compare',
    });
  });
});

describe('jsonPath', () => {
  const data = { a: { b: [{ c: 1 }, { c: '둘' }] }, 'x-y': 3, list: [10, 20], zero: 0, nil: null };

  it('follows dots and indexes, with or without a leading $', () => {
    expect(jsonPath(data, 'a.b[1].c')).toBe('둘');
    expect(jsonPath(data, '$.a.b[0].c')).toBe(1);
    expect(jsonPath(data, 'a.b.0.c')).toBe(1);
    expect(jsonPath(data, 'x-y')).toBe(3);
    expect(jsonPath(data, 'list[1]')).toBe(20);
    expect(jsonPath(data, 'zero')).toBe(0);
    expect(jsonPath(data, '$')).toBe(data);
  });

  it('missing paths give undefined, also through null', () => {
    expect(jsonPath(data, 'a.nope.c')).toBeUndefined();
    expect(jsonPath(data, 'nil.c')).toBeUndefined();
    expect(jsonPath(data, 'list[5]')).toBeUndefined();
    expect(jsonPath(null, 'a')).toBeUndefined();
  });

  // Fixed (issue 15), was: BUG: a path walks into inherited properties, so `constructor` or `__proto__` of any object is "found".
  // Input: jsonPath({}, 'constructor') returns the Object function, not undefined.
  it('does not find inherited properties', () => {
    expect(jsonPath({}, 'constructor')).toBeUndefined();
  });
});

describe('parseRows', () => {
  it('csv: header to objects, CRLF, blank lines, quoted commas and quotes', () => {
    expect(parseRows('name,n\r\n"Kim, Minsu",3\r\n\r\n"say ""hi""",4\r\n', 'csv')).toEqual([
      { name: 'Kim, Minsu', n: '3' },
      { name: 'say "hi"', n: '4' },
    ]);
  });

  it('csv: repeated headers of Spark part files are dropped, missing cells are empty', () => {
    expect(parsePartRows(['city,n\n서울,1', 'city,n\n부산,2\n대구'], 'csv')).toEqual([
      { city: '서울', n: '1' },
      { city: '부산', n: '2' },
      { city: '대구', n: '' },
    ]);
    expect(parseRows('', 'csv')).toEqual([]);
    expect(parseRows('a,b\n', 'csv')).toEqual([]);
  });

  it('jsonl: one value per non-empty line; a broken line throws', () => {
    expect(parseRows('{"a":1}\n\n{"a":"둘"}\r\n', 'jsonl')).toEqual([{ a: 1 }, { a: '둘' }]);
    expect(() => parseRows('{"a":1}\n{"a":', 'jsonl')).toThrow();
  });

  it('json: an array is the rows, a single value is one row', () => {
    expect(parseRows('[{"a":1},{"a":2}]', 'json')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseRows('{"a":1}', 'json')).toEqual([{ a: 1 }]);
    expect(() => parseRows('not json', 'json')).toThrow();
  });

  it('text: non-empty lines', () => {
    expect(parseRows('a\n\n b \r\nc', 'text')).toEqual(['a', ' b ', 'c']);
  });

  // Fixed (issue 15), was: BUG: lines are split before quotes are read, so a quoted cell with a newline (Spark's CSV writer
  // quotes such values; free-text log messages have them) becomes two broken rows.
  // Input: 'a,b\n"x\ny",1' -> [{a:'x',b:''},{a:'y,1',b:''}] instead of [{a:'x\ny',b:'1'}]
  it('csv: a quoted cell may contain a newline', () => {
    expect(parseRows('a,b\n"x\ny",1', 'csv')).toEqual([{ a: 'x\ny', b: '1' }]);
  });

  // Fixed (issue 15), was: BUG: cells beyond the header are silently dropped, so an output with an extra (wrong) column compares
  // equal to the reference. Input: 'a,b\n1,2,EXTRA' -> [{a:'1',b:'2'}]
  it('csv: a row with more cells than the header is not silently cut (an error showing the row)', () => {
    expect(() => parseRows('a,b\n1,2,EXTRA', 'csv')).toThrow(/3 cells but the header has 2: 1,2,EXTRA/);
  });

  // Fixed (issue 15), was: BUG: a UTF-8 byte-order mark (Excel, pandas encoding="utf-8-sig", common on Korean Windows) stays in
  // the first column's name, so every row differs from the reference's. Input: '\uFEFFcity,n\n서울,1'
  it('csv: a byte-order mark is not part of the first column name', () => {
    expect(parseRows('\uFEFFcity,n\n서울,1', 'csv')).toEqual([{ city: '서울', n: '1' }]);
  });

  // Fixed (issue 15), was: BUG: the repeated-header filter also drops data rows equal to the header; in a one-column output
  // of words, the word equal to the column name disappears (from the reference too, so a learner who
  // misses it passes). Input: 'word\nhello\nword\nworld'
  it('csv: a data row equal to the header is kept when it is not a part-file header', () => {
    expect(parseRows('word\nhello\nword\nworld', 'csv')).toHaveLength(3);
  });
});

describe('splitCsvLine', () => {
  it('splits on commas outside quotes, unescapes doubled quotes, keeps empty cells', () => {
    expect(splitCsvLine('a,"b,c",,"d""e"')).toEqual(['a', 'b,c', '', 'd"e']);
    expect(splitCsvLine('')).toEqual(['']);
    expect(splitCsvLine(',')).toEqual(['', '']);
    expect(splitCsvLine('"서울, 대한민국",1')).toEqual(['서울, 대한민국', '1']);
  });
});
