import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKind, MAX_OUTPUT_BYTES, OutputTooLarge, readOutput } from '../../src/grading/kinds/file.js';
import { checkSchema, type Check } from '../../src/grading/schema.js';
import { tempDir } from '../helpers/temp.js';

type FileCheck = Extract<Check, { kind: 'file' }>;

const title = { en: 'check', ko: '검사' };
const file = (expect: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  checkSchema.parse({
    id: 'f',
    title,
    kind: 'file',
    path: 'out/result.csv',
    format: 'csv',
    expect,
    ...extra,
  }) as FileCheck;
const seen = (rows: unknown[], text = 'text') => ({ exists: true, text, rows });

const parent = tempDir('de-lab-kinds-file-');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('file kind: judge', () => {
  it('a missing file fails; an expected-absent file passes when missing and fails when present', () => {
    expect(fileKind.judge(file({}), { exists: false }, undefined)).toEqual({
      ok: false,
      expected: 'out/result.csv exists',
      found: 'missing',
    });
    expect(fileKind.judge(file({ exists: false }), { exists: false }, undefined)).toEqual({
      ok: true,
      expected: 'no out/result.csv',
      found: 'missing',
    });
    expect(fileKind.judge(file({ exists: false }), seen([]), undefined)).toEqual({
      ok: false,
      expected: 'no out/result.csv',
      found: 'it exists',
    });
  });

  it('an existing file with no other expectation passes', () => {
    expect(fileKind.judge(file({}), seen([]), undefined)).toEqual({
      ok: true,
      expected: 'out/result.csv exists',
      found: 'exists',
    });
  });

  it('an unreadable file fails with the parse error', () => {
    const v = fileKind.judge(
      file({ rows: [['a']] }, { format: 'jsonl' }),
      { exists: true, text: '{', parseError: 'Unexpected end of JSON input' },
      undefined,
    );
    expect(v).toEqual({
      ok: false,
      expected: 'out/result.csv readable as jsonl',
      found: 'Unexpected end of JSON input',
    });
  });

  it('text rules apply to the whole text', () => {
    const check = file({ text: { contains: '합계' } }, { format: 'text' });
    expect(fileKind.judge(check, { exists: true, text: '도시,합계\n' }, undefined).ok).toBe(true);
    expect(fileKind.judge(check, { exists: true, text: 'city,total\n' }, undefined)).toMatchObject({
      ok: false,
      expected: 'text containing 합계',
      found: 'city,total',
    });
  });

  it('literal rows compare in any order with canonical numbers', () => {
    const check = file(
      {
        rows: [
          ['서울', 3],
          ['부산', 5],
        ],
      },
      { format: 'json' },
    );
    expect(
      fileKind.judge(
        check,
        seen([
          ['부산', '5'],
          ['서울', '3'],
        ]),
        undefined,
      ).ok,
    ).toBe(true);
    expect(
      fileKind.judge(
        check,
        seen([
          ['부산', '5'],
          ['서울', '4'],
        ]),
        undefined,
      ),
    ).toMatchObject({ ok: false, found: '["서울",4]' });
  });

  it('rows: reference compares with the reference observation', () => {
    const check = file({ rows: 'reference' });
    expect(fileKind.needsReference(check)).toBe(true);
    expect(fileKind.needsReference(file({ rows: [] }))).toBe(false);
    const reference = seen([
      { city: '서울', n: '3' },
      { city: '부산', n: '5' },
    ]);
    expect(
      fileKind.judge(
        check,
        seen([
          { n: '5', city: '부산' },
          { n: '3', city: '서울' },
        ]),
        reference,
      ),
    ).toMatchObject({ ok: true, found: 'exists; 2 matching rows' });
    expect(fileKind.judge(check, seen([{ city: '서울', n: '3' }]), reference)).toMatchObject({
      ok: false,
      found: '1 rows; missing e.g. {"city":"부산","n":5}',
    });
    // duplicates count: the same row twice is not the two reference rows
    expect(
      fileKind.judge(
        check,
        seen([
          { city: '서울', n: '3' },
          { city: '서울', n: '3' },
        ]),
        reference,
      ).ok,
    ).toBe(false);
  });

  it('rows: reference without a reference observation fails and says why', () => {
    const check = file({ rows: 'reference' });
    expect(fileKind.judge(check, seen([]), undefined)).toEqual({
      ok: false,
      expected: "the reference solution's output",
      found: 'no reference rows',
    });
    expect(fileKind.judge(check, seen([]), { exists: false })).toEqual({
      ok: false,
      expected: "the reference solution's output",
      found: 'the reference produced no output',
    });
  });

  it('tolerance and orderMatters from the check are used', () => {
    const loose = file({ rows: [[1.0]], tolerance: 0.01 });
    expect(fileKind.judge(loose, seen([[1.005]]), undefined).ok).toBe(true);
    expect(fileKind.judge(file({ rows: [[1.0]] }), seen([[1.005]]), undefined).ok).toBe(false);
    const ordered = file({ rows: [[1], [2]], orderMatters: true });
    expect(fileKind.judge(ordered, seen([[2], [1]]), undefined).ok).toBe(false);
    expect(fileKind.judge(file({ rows: [[1], [2]] }), seen([[2], [1]]), undefined).ok).toBe(true);
  });

  // Was: an empty output passed against an empty reference (issue 22: checks must not pass on nothing).
  it("an empty reference output is the grader's fault, never a pass", () => {
    const check = file({ rows: 'reference' });
    expect(() => fileKind.judge(check, seen([]), seen([]))).toThrow(/nothing to compare with/);
    expect(() => fileKind.judge(check, seen([{ a: 1 }]), seen([]))).toThrow(/nothing to compare with/);
  });

  // Fixed (issue 15), was: BUG: judges run outside any try (runner.evaluate), and compareRows/canonical recurse per nesting level.
  // A learner's jsonl line nested 100,000 deep parses fine in observe (JSON.parse is iterative) but makes
  // judge throw "Maximum call stack size exceeded", ending the whole exercise run with an exception.
  // Input: one row [[[[...]]]] (100,000 levels) against expected rows [[1]].
  it('a deeply nested row gives a failing verdict, not an exception', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const v = fileKind.judge(file({ rows: [[1]] }, { format: 'jsonl' }), seen([deep]), undefined);
    expect(v.ok).toBe(false);
  });
});

describe('file kind: readOutput', () => {
  it('reads a file, a missing path is undefined', () => {
    const dir = mkdtempSync(join(parent, 'read-'));
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
    expect(readOutput(join(dir, 'a.csv'))).toBe('x,y\n1,2\n');
    expect(readOutput(join(dir, 'nope.csv'))).toBeUndefined();
  });

  it('joins the part files of a Spark output folder in name order, skipping _SUCCESS, hidden, .crc and sub-folders', () => {
    const dir = mkdtempSync(join(parent, 'spark-'));
    const out = join(dir, 'out');
    mkdirSync(join(out, 'nested'), { recursive: true });
    writeFileSync(join(out, 'part-00001.csv'), 'n\n2');
    writeFileSync(join(out, 'part-00000.csv'), 'n\n1');
    writeFileSync(join(out, '_SUCCESS'), '');
    writeFileSync(join(out, '.part-00000.csv.crc'), 'garbage');
    writeFileSync(join(out, 'part-00000.csv.crc'), 'garbage');
    writeFileSync(join(out, 'nested', 'part-9.csv'), 'n\n9');
    expect(readOutput(out)).toBe('n\n1\nn\n2');
  });

  it('refuses an output over the size cap (sparse file, nothing is read)', () => {
    const dir = mkdtempSync(join(parent, 'big-'));
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, MAX_OUTPUT_BYTES + 1);
    expect(() => readOutput(big)).toThrow(OutputTooLarge);
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    for (const name of ['part-0', 'part-1']) {
      writeFileSync(join(parts, name), '');
      truncateSync(join(parts, name), MAX_OUTPUT_BYTES / 2 + 1);
    }
    expect(() => readOutput(parts)).toThrow(/more than the 64 MiB a check reads/);
  });

  // Defence in depth (fixed): readOutput followed links. runner.evaluate() calls dropEscapingLinks() first, but a
  // background step's container keeps running during the checks and can re-create `out.csv -> /etc/...`
  // between that sweep and this read, and the host file's first 300 characters reach the report.
  // Input: <workdir>/out.csv -> <outside>/secret.txt ; readOutput('<workdir>/out.csv') returns its content.
  it('does not follow a symbolic link to a file outside the folder being graded', () => {
    const dir = mkdtempSync(join(parent, 'link-'));
    mkdirSync(join(dir, 'work'));
    writeFileSync(join(dir, 'secret.txt'), 'host secret');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'work', 'out.csv'));
    expect(() => readOutput(join(dir, 'work', 'out.csv'))).toThrow(/symbolic link/);
    // nor a linked folder on the way from the graded folder
    symlinkSync(dir, join(dir, 'work', 'up'));
    expect(() => readOutput(join(dir, 'work', 'up', 'secret.txt'), join(dir, 'work'))).toThrow(/symbolic link/);
    // and the observation says so instead of throwing
    return fileKind
      .observe({ workdir: join(dir, 'work') } as never, file({}, { path: 'out.csv' }))
      .then((o) => expect(o).toMatchObject({ exists: true, parseError: expect.stringContaining('symbolic link') }));
  });
});
