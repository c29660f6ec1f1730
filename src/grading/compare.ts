export interface Verdict {
  ok: boolean;
  expected: string;
  found: string;
  /** What was measured, shown with the verdict even when it passed (day 3: job time, shuffle, tasks). */
  measured?: string;
  /** Where to look at the run (the History Server's page of it). */
  url?: string;
}

export interface TextMatch {
  equals?: string;
  contains?: string;
  matches?: string;
  notContains?: string;
}

/** The first `max` UTF-16 units of a text, one less when the cut would split a surrogate pair (an emoji). */
function cutAt(text: string, start: number, max: number): string {
  let from = start;
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from] ?? '') && /[\uD800-\uDBFF]/.test(text[from - 1] ?? '')) from++;
  const piece = text.slice(from, start + max);
  return /[\uD800-\uDBFF]$/.test(piece) ? piece.slice(0, -1) : piece;
}

export function short(value: unknown, max = 300): string {
  const text =
    typeof value === 'string'
      ? value
      : JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  const oneLine = (text ?? 'undefined').replace(/\s+$/g, '');
  return oneLine.length > max ? `${cutAt(oneLine, 0, max)}… (${oneLine.length} chars)` : oneLine;
}

/**
 * Two long texts that differ, each cut to a window around their first difference (with its line
 * and column), so a 5,000-character output shows where it goes wrong instead of its first 300 characters.
 */
export function differencePair(expected: string, found: string, max = 300): { expected: string; found: string } {
  const e = expected.replace(/\s+$/g, '');
  const f = found.replace(/\s+$/g, '');
  if (e.length <= max && f.length <= max) return { expected: e, found: f };
  let at = 0;
  while (at < e.length && at < f.length && e[at] === f[at]) at++;
  const before = e.slice(0, at).split('\n');
  const where = `from line ${before.length}, column ${before[before.length - 1]!.length + 1}: `;
  const start = Math.max(0, at - Math.floor(max / 3));
  const cut = (text: string) =>
    `${start > 0 ? '…' : ''}${cutAt(text, start, max)}${start + max < text.length ? `… (${text.length} chars)` : ''}`;
  return { expected: where + cut(e), found: where + (at >= f.length ? `(ends after ${f.length} chars)` : cut(f)) };
}

/**
 * The line of a program's output that says why it failed: the last line naming an error or
 * exception (a Python or Java trace ends with it), else the last non-empty line.
 */
export function lastErrorLine(text: string, max = 240): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = [...lines]
    .reverse()
    .find(
      (l) =>
        /(Error|Exception|error:|ERROR|FATAL|Traceback|refused|denied|not found|No such)/.test(l) && !/^\s*at /.test(l),
    );
  return short(error ?? lines.at(-1) ?? 'no output', max);
}

export function matchText(actual: string, match: TextMatch): Verdict {
  const found = short(actual);
  if (match.equals !== undefined && actual.trim() !== match.equals.trim()) {
    const pair = differencePair(match.equals.trim(), actual.trim());
    return { ok: false, expected: `exactly ${pair.expected}`, found: pair.found };
  }
  if (match.contains !== undefined && !actual.includes(match.contains))
    return { ok: false, expected: `text containing ${short(match.contains)}`, found };
  if (match.matches !== undefined && !new RegExp(match.matches, 'm').test(actual))
    return { ok: false, expected: `text matching /${match.matches}/`, found };
  if (match.notContains !== undefined && actual.includes(match.notContains))
    return { ok: false, expected: `text without ${short(match.notContains)}`, found };
  return { ok: true, expected: describeMatch(match), found };
}

function describeMatch(match: TextMatch): string {
  return Object.entries(match)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${short(v, 80)}`)
    .join(', ');
}

/**
 * A row of any shape (array or object) as a canonical value: object keys sorted, numeric strings as
 * numbers. An integer string beyond what a number holds exactly (a 20-digit id) stays a string, so two
 * such ids never become equal.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) {
    const text = value.trim();
    const n = Number(text);
    if (/^-?\d+$/.test(text) && !Number.isSafeInteger(n)) return text.replace(/^(-?)0+(?=\d)/, '$1');
    return n;
  }
  return value;
}

/** Numbers compare with a relative tolerance (absolute below 1); two safe integers (counts, epoch ms) compare exactly. */
function numbersWithin(a: number, b: number, tolerance: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b) || (Number.isSafeInteger(a) && Number.isSafeInteger(b)))
    return a === b;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

export function equalWithin(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return numbersWithin(a, b, tolerance);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equalWithin(item, b[i], tolerance));
  if (Array.isArray(a) || Array.isArray(b)) return false;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && equalWithin((a as any)[key], (b as any)[key], tolerance))
    );
  }
  return a === b;
}

/** JSON text with object keys sorted (types kept: "3" is not 3), for comparing values whatever their key order. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return exactKey(sorted(value));
}

/** JSON text of a canonical value that keeps NaN and ±Infinity apart from null (and from the strings "NaN"…). */
function exactKey(value: unknown): string {
  // The plain (fast) JSON.stringify is exact when no number is NaN/±Infinity and every object's keys are in order.
  if (plain(value)) return JSON.stringify(value) ?? 'undefined';
  return (
    JSON.stringify(value, (_k, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? { '\u0000number': String(v) } : sortedKeys(v),
    ) ?? 'undefined'
  );
}

function plain(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (!v || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (const item of v) if (!plain(item)) return false;
    return true;
  }
  let previous: string | undefined;
  for (const key in v) {
    if (previous !== undefined && previous > key) return false;
    previous = key;
    if (!plain((v as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** An object with its keys in order (a JSON.stringify replacer step), so key order never decides a match. */
function sortedKeys(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]! > keys[i]!)
      return Object.fromEntries(keys.sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  return v;
}

/** A row's text with every finite number replaced, and those numbers in order: rows that may match within a tolerance share the text. */
function shapeOf(value: unknown): { shape: string; numbers: number[] } {
  const numbers: number[] = [];
  const shape =
    JSON.stringify(value, (_k, v) => {
      if (typeof v !== 'number') return sortedKeys(v);
      if (!Number.isFinite(v)) return { '\u0000number': String(v) };
      numbers.push(v);
      return { '\u0000number': '#' };
    }) ?? 'undefined';
  return { shape, numbers };
}

function byNumbers(x: number[], y: number[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** How far from `x` another number may be and still be within the tolerance (slightly generous; equalWithin decides). */
function window(x: number, tolerance: number): number {
  return (tolerance * Math.max(1, Math.abs(x))) / (1 - Math.min(tolerance, 0.5)) + 1e-300;
}

/** At most this many candidates are tried per unmatched row in the tolerant fallback: it stays O(n log n). */
const FALLBACK_CANDIDATES = 64;

/**
 * Pairs two multisets of canonical values, equal within `tolerance`: exact matches by text first
 * (hashing), then per shape (same text but for the numbers) sorted by their numbers and paired in
 * order, and only the rows that pairing leaves are matched tolerantly among nearby candidates.
 * Returns the indexes left over on each side.
 */
export function matchMultisets(
  actual: unknown[],
  expected: unknown[],
  tolerance: number,
): { extra: number[]; missing: number[]; expectedKeys: Set<string> } {
  const pending = new Map<string, number[]>();
  expected.forEach((row, i) => {
    const key = exactKey(row);
    const list = pending.get(key);
    if (list) list.push(i);
    else pending.set(key, [i]);
  });
  let looseActual: number[] = [];
  actual.forEach((row, i) => {
    const list = pending.get(exactKey(row));
    if (list && list.length > 0) list.pop();
    else looseActual.push(i);
  });
  const expectedKeys = new Set(pending.keys());
  let looseExpected = [...pending.values()].flat().sort((x, y) => x - y);
  if (looseActual.length === 0 || looseExpected.length === 0 || !(tolerance > 0))
    return { extra: looseActual, missing: looseExpected, expectedKeys };

  type Item = { index: number; numbers: number[] };
  const group = (indexes: number[], rows: unknown[]) => {
    const groups = new Map<string, Item[]>();
    for (const index of indexes) {
      const { shape, numbers } = shapeOf(rows[index]);
      const list = groups.get(shape);
      if (list) list.push({ index, numbers });
      else groups.set(shape, [{ index, numbers }]);
    }
    return groups;
  };
  const actualGroups = group(looseActual, actual);
  const expectedGroups = group(looseExpected, expected);
  const extra: number[] = [];
  const missing: number[] = [];
  for (const [shape, as] of actualGroups) {
    const es = expectedGroups.get(shape) ?? [];
    expectedGroups.delete(shape);
    if (es.length === 0) {
      extra.push(...as.map((item) => item.index));
      continue;
    }
    as.sort((x, y) => byNumbers(x.numbers, y.numbers));
    es.sort((x, y) => byNumbers(x.numbers, y.numbers));
    // Sort-then-pair: enough whenever the rows differ by noise that keeps their order.
    let restA: Item[] = [];
    let restE: Item[] = [];
    if (as.length === es.length) {
      as.forEach((item, i) => {
        if (!equalWithin(actual[item.index], expected[es[i]!.index], tolerance)) {
          restA.push(item);
          restE.push(es[i]!);
        }
      });
    } else {
      restA = as;
      restE = es;
    }
    // Tolerant fallback: each left-over row against the nearby (by first number) unused candidates.
    // next[j]: the first unused candidate at or after j (path-compressed), so used ones are skipped in O(1).
    const next = Int32Array.from({ length: restE.length + 1 }, (_, j) => j);
    const free = (j: number): number => {
      let root = j;
      while (next[root] !== root) root = next[root]!;
      while (next[j] !== root) {
        const up = next[j]!;
        next[j] = root;
        j = up;
      }
      return root;
    };
    const used = new Uint8Array(restE.length);
    const firsts = restE.map((item) => item.numbers[0] ?? 0);
    for (const item of restA) {
      const x = item.numbers[0] ?? 0;
      const w = window(x, tolerance);
      let lo = 0;
      let hi = firsts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (firsts[mid]! < x - w) lo = mid + 1;
        else hi = mid;
      }
      let found = -1;
      let tried = 0;
      for (let j = free(lo); j < firsts.length && firsts[j]! <= x + w && tried < FALLBACK_CANDIDATES; j = free(j + 1)) {
        tried++;
        if (equalWithin(actual[item.index], expected[restE[j]!.index], tolerance)) {
          found = j;
          break;
        }
      }
      if (found >= 0) {
        used[found] = 1;
        next[found] = found + 1;
      } else extra.push(item.index);
    }
    restE.forEach((item, j) => {
      if (!used[j]) missing.push(item.index);
    });
  }
  for (const es of expectedGroups.values()) missing.push(...es.map((item) => item.index));
  looseActual = extra.sort((x, y) => x - y);
  looseExpected = missing.sort((x, y) => x - y);
  return { extra: looseActual, missing: looseExpected, expectedKeys };
}

/** Rows equal as multisets (or sequences), with a relative tolerance for non-integer numbers. */
export function compareRows(
  actual: unknown[],
  expected: unknown[],
  options: { tolerance: number; orderMatters: boolean },
): Verdict {
  const expectedText = `${expected.length} rows${options.orderMatters ? ' in order' : ''}`;
  try {
    return compareCanonicalRows(actual.map(canonical), expected.map(canonical), options, expectedText);
  } catch (error) {
    if (error instanceof RangeError)
      return { ok: false, expected: expectedText, found: 'rows nested too deeply to compare' };
    throw error;
  }
}

function compareCanonicalRows(
  a: unknown[],
  e: unknown[],
  options: { tolerance: number; orderMatters: boolean },
  expectedText: string,
): Verdict {
  if (options.orderMatters && a.length === e.length) {
    for (let i = 0; i < a.length; i++) {
      if (!equalWithin(a[i], e[i], options.tolerance))
        return { ok: false, expected: `${expectedText}, e.g. ${short(e[i], 120)}`, found: `${short(a[i], 120)}` };
    }
    return { ok: true, expected: expectedText, found: `${a.length} matching rows` };
  }
  const { extra, missing, expectedKeys } = matchMultisets(a, e, options.tolerance);
  if (extra.length === 0 && missing.length === 0)
    return { ok: true, expected: expectedText, found: `${a.length} matching rows` };
  // Show the rows in a stable order: the first left-over expected row, and the left-over row most like it.
  const order = (rows: unknown[], indexes: number[]) =>
    indexes
      .map((i) => ({ row: rows[i], key: exactKey(rows[i]) }))
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const missingRows = order(e, missing);
  const extraRows = order(a, extra);
  const firstMissing = missingRows[0];
  const likeIt = firstMissing
    ? (extraRows.find((x) => shapeOf(x.row).shape === shapeOf(firstMissing.row).shape) ?? extraRows[0])
    : extraRows[0];
  if (a.length === e.length && firstMissing && likeIt) {
    return {
      ok: false,
      expected: `${expectedText}, e.g. ${short(firstMissing.row, 120)}`,
      found: `${short(likeIt.row, 120)}`,
    };
  }
  const duplicated = likeIt && expectedKeys.has(likeIt.key) ? ' (more often than in the expected rows)' : '';
  return {
    ok: false,
    expected: expectedText,
    found: `${a.length} rows${firstMissing ? `; missing e.g. ${short(firstMissing.row, 120)}` : ''}${likeIt ? `; unexpected e.g. ${short(likeIt.row, 120)}${duplicated}` : ''}`,
  };
}

/** `a.b[0].c` style path into parsed JSON (own properties only: `constructor` is not found in `{}`). */
export function jsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let current: unknown = value;
  for (const part of parts) {
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    const key = Array.isArray(current) && /^\d+$/.test(part) ? Number(part) : part;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * Parses text rows by format: csv (first record = header, to objects), jsonl, json array.
 * CSV follows RFC 4180 (a quoted cell may hold commas, quotes and newlines); a UTF-8 byte-order mark
 * is dropped; a row with more cells than the header is an error naming the row.
 */
export function parseRows(text: string, format: 'text' | 'csv' | 'jsonl' | 'json'): unknown[] {
  return parsePartRows([text], format);
}

/**
 * The rows of an output written as several part files (Spark writes one per partition, each with its
 * own header when asked): a part's first record equal to the first part's header is that part's
 * header and is dropped; the same record elsewhere is data and kept.
 */
export function parsePartRows(parts: string[], format: 'text' | 'csv' | 'jsonl' | 'json'): unknown[] {
  if (format !== 'csv') return parts.flatMap((part) => parseOne(part, format));
  let header: string[] | undefined;
  const rows: unknown[] = [];
  for (const part of parts) {
    const records = csvRecords(part.replace(/^\uFEFF/, ''));
    if (records.length === 0) continue;
    let start = 0;
    if (!header) {
      header = records[0]!;
      start = 1;
    } else if (records[0]!.length === header.length && records[0]!.every((cell, i) => cell === header![i])) start = 1;
    for (let r = start; r < records.length; r++) {
      const row = records[r]!;
      if (row.length > header.length)
        throw new Error(
          `a row has ${row.length} cells but the header has ${header.length}: ${short(row.join(','), 120)}`,
        );
      rows.push(Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
    }
  }
  return rows;
}

function parseOne(text: string, format: 'text' | 'jsonl' | 'json'): unknown[] {
  if (format === 'json') {
    const data = JSON.parse(text.replace(/^\uFEFF/, ''));
    return Array.isArray(data) ? data : [data];
  }
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (format === 'jsonl') return lines.map((line) => JSON.parse(line));
  return lines;
}

/** CSV records of a whole text (quotes may span lines); blank lines are skipped. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !wasQuoted)) records.push(cells);
    cells = [];
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      if (char === '\r') i++;
      endRecord();
    } else cell += char;
  }
  if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();
  return records;
}

export function splitCsvLine(line: string): string[] {
  return csvRecords(line)[0] ?? [''];
}
