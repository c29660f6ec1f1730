import { describe, expect, it } from 'vitest';
import { sqlKind } from '../../src/grading/kinds/sql.js';
import { checkSchema, type Check } from '../../src/grading/schema.js';

type SqlCheck = Extract<Check, { kind: 'sql' }>;

const title = { en: 'check', ko: '검사' };
const sql = (expect: Record<string, unknown>, engine: 'mariadb' | 'druid' = 'mariadb') =>
  checkSchema.parse({ id: 's', title, kind: 'sql', engine, query: 'SELECT city, n FROM t', expect }) as SqlCheck;

describe('sql kind: judge', () => {
  it('literal rows: mariadb text cells equal numbers, any order', () => {
    const check = sql({
      rows: [
        ['서울', 3],
        ['부산', 5],
      ],
    });
    expect(sqlKind.needsReference(check)).toBe(false);
    expect(
      sqlKind.judge(
        check,
        {
          rows: [
            ['부산', '5'],
            ['서울', '3'],
          ],
        },
        undefined,
      ),
    ).toEqual({ ok: true, expected: '2 rows', found: '2 matching rows' });
    expect(
      sqlKind.judge(
        check,
        {
          rows: [
            ['부산', '5'],
            ['서울', '4'],
          ],
        },
        undefined,
      ),
    ).toMatchObject({ ok: false, expected: '2 rows, e.g. ["서울",3]', found: '["서울",4]' });
  });

  it('a query error fails with the error text', () => {
    const v = sqlKind.judge(
      sql({ rows: [] }),
      { error: "ERROR 1146 (42S02): Table 'shop.t' doesn't exist" },
      undefined,
    );
    expect(v).toEqual({
      ok: false,
      expected: 'the query to run',
      found: "ERROR 1146 (42S02): Table 'shop.t' doesn't exist",
    });
  });

  it('an expected empty result passes only when the query returns no rows', () => {
    expect(sqlKind.judge(sql({ rows: [] }), { rows: [] }, undefined).ok).toBe(true);
    expect(sqlKind.judge(sql({ rows: [] }), { rows: [['x']] }, undefined)).toMatchObject({
      ok: false,
      found: '1 rows; unexpected e.g. ["x"]',
    });
  });

  it('NULL cells (mariadb NULL -> null, Druid null) match null only', () => {
    const check = sql({ rows: [['a', null]] });
    expect(sqlKind.judge(check, { rows: [['a', null]] }, undefined).ok).toBe(true);
    expect(sqlKind.judge(check, { rows: [['a', 'NULL']] }, undefined).ok).toBe(false);
    expect(sqlKind.judge(check, { rows: [['a', '0']] }, undefined).ok).toBe(false);
  });

  it('rows: reference compares with the reference rows; duplicates count', () => {
    const check = sql({ rows: 'reference' }, 'druid');
    expect(sqlKind.needsReference(check)).toBe(true);
    const reference = {
      rows: [
        ['2024-01-01T00:00:00.000Z', 'seoul', 10],
        ['2024-01-01T00:00:00.000Z', 'busan', 7],
      ],
    };
    expect(
      sqlKind.judge(
        check,
        {
          rows: [
            ['2024-01-01T00:00:00.000Z', 'busan', 7],
            ['2024-01-01T00:00:00.000Z', 'seoul', 10],
          ],
        },
        reference,
      ).ok,
    ).toBe(true);
    expect(
      sqlKind.judge(
        check,
        {
          rows: [
            ['2024-01-01T00:00:00.000Z', 'seoul', 10],
            ['2024-01-01T00:00:00.000Z', 'seoul', 10],
          ],
        },
        reference,
      ).ok,
    ).toBe(false);
    expect(sqlKind.judge(check, { rows: [['2024-01-01T00:00:00.000Z', 'seoul', 10]] }, reference)).toMatchObject({
      ok: false,
      found: '1 rows; missing e.g. ["2024-01-01T00:00:00.000Z","busan",7]',
    });
  });

  it('rows: reference without reference rows fails with the reference error when there is one', () => {
    const check = sql({ rows: 'reference' });
    expect(sqlKind.judge(check, { rows: [] }, undefined)).toEqual({
      ok: false,
      expected: "the reference solution's rows",
      found: 'no reference rows',
    });
    expect(sqlKind.judge(check, { rows: [] }, { error: 'Access denied' })).toEqual({
      ok: false,
      expected: "the reference solution's rows",
      found: 'Access denied',
    });
  });

  it('tolerance and orderMatters from the check', () => {
    expect(sqlKind.judge(sql({ rows: [[0.3333]], tolerance: 0.001 }), { rows: [['0.33333333']] }, undefined).ok).toBe(
      true,
    );
    expect(sqlKind.judge(sql({ rows: [[0.3333]] }), { rows: [['0.33333333']] }, undefined).ok).toBe(false);
    expect(sqlKind.judge(sql({ rows: [[1], [2]], orderMatters: true }), { rows: [['2'], ['1']] }, undefined).ok).toBe(
      false,
    );
    expect(sqlKind.judge(sql({ rows: [[1], [2]], orderMatters: true }), { rows: [['1'], ['2']] }, undefined).ok).toBe(
      true,
    );
  });

  it('Korean rows: a wrong district is named', () => {
    const check = sql({
      rows: [
        ['강남구', 12],
        ['해운대구', 4],
      ],
    });
    const v = sqlKind.judge(
      check,
      {
        rows: [
          ['강남구', '12'],
          ['수영구', '4'],
        ],
      },
      undefined,
    );
    expect(v.ok).toBe(false);
    expect(`${v.expected} ${v.found}`).toMatch(/해운대구|수영구/);
  });
});
