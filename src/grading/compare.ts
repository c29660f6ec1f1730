export interface Verdict {
  ok: boolean;
  expected: string;
  found: string;
}

export interface TextMatch {
  equals?: string;
  contains?: string;
  matches?: string;
  notContains?: string;
}

export function short(value: unknown, max = 300): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = (text ?? 'undefined').replace(/\s+$/g, '');
  return oneLine.length > max ? `${oneLine.slice(0, max)}… (${oneLine.length} chars)` : oneLine;
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
  const cut = (text: string) => `${start > 0 ? '…' : ''}${text.slice(start, start + max)}${start + max < text.length ? `… (${text.length} chars)` : ''}`;
  return { expected: where + cut(e), found: where + (at >= f.length ? `(ends after ${f.length} chars)` : cut(f)) };
}

/**
 * The line of a program's output that says why it failed: the last line naming an error or
 * exception (a Python or Java trace ends with it), else the last non-empty line.
 */
export function lastErrorLine(text: string, max = 240): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = [...lines].reverse().find((l) => /(Error|Exception|error:|ERROR|FATAL|Traceback|refused|denied|not found|No such)/.test(l) && !/^\s*at /.test(l));
  return short(error ?? lines.at(-1) ?? 'no output', max);
}

export function matchText(actual: string, match: TextMatch): Verdict {
  const found = short(actual);
  if (match.equals !== undefined && actual.trim() !== match.equals.trim()) {
    const pair = differencePair(match.equals.trim(), actual.trim());
    return { ok: false, expected: `exactly ${pair.expected}`, found: pair.found };
  }
  if (match.contains !== undefined && !actual.includes(match.contains)) return { ok: false, expected: `text containing ${short(match.contains)}`, found };
  if (match.matches !== undefined && !new RegExp(match.matches, 'm').test(actual)) return { ok: false, expected: `text matching /${match.matches}/`, found };
  if (match.notContains !== undefined && actual.includes(match.notContains)) return { ok: false, expected: `text without ${short(match.notContains)}`, found };
  return { ok: true, expected: describeMatch(match), found };
}

function describeMatch(match: TextMatch): string {
  return Object.entries(match)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${short(v, 80)}`)
    .join(', ');
}

/** A row of any shape (array or object) as a canonical value: object keys sorted, numeric strings as numbers. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) return Number(value);
  return value;
}

function sortKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v));
}

export function equalWithin(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equalWithin(item, b[i], tolerance));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => equalWithin((a as any)[key], (b as any)[key], tolerance));
  }
  return a === b;
}

/** Rows equal as multisets (or sequences), with a relative tolerance for floats. */
export function compareRows(actual: unknown[], expected: unknown[], options: { tolerance: number; orderMatters: boolean }): Verdict {
  const a = actual.map(canonical);
  const e = expected.map(canonical);
  if (!options.orderMatters) {
    a.sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    e.sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
  }
  const expectedText = `${e.length} rows${options.orderMatters ? ' in order' : ''}`;
  if (a.length !== e.length) {
    const missing = e.filter((row) => !a.some((other) => equalWithin(row, other, options.tolerance)));
    const extra = a.filter((row) => !e.some((other) => equalWithin(row, other, options.tolerance)));
    return { ok: false, expected: expectedText, found: `${a.length} rows${missing.length ? `; missing e.g. ${short(missing[0], 120)}` : ''}${extra.length ? `; unexpected e.g. ${short(extra[0], 120)}` : ''}` };
  }
  for (let i = 0; i < a.length; i++) {
    if (!equalWithin(a[i], e[i], options.tolerance)) {
      return { ok: false, expected: `${expectedText}, e.g. ${short(e[i], 120)}`, found: `${short(a[i], 120)}` };
    }
  }
  return { ok: true, expected: expectedText, found: `${a.length} matching rows` };
}

/** `a.b[0].c` style path into parsed JSON. */
export function jsonPath(value: unknown, path: string): unknown {
  const parts = path.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  let current: any = value;
  for (const part of parts) {
    if (current === undefined || current === null) return undefined;
    current = current[/^\d+$/.test(part) ? Number(part) : part];
  }
  return current;
}

/** Parses text rows by format: csv (first line = header, to objects), jsonl, json array. */
export function parseRows(text: string, format: 'text' | 'csv' | 'jsonl' | 'json'): unknown[] {
  if (format === 'json') {
    const data = JSON.parse(text);
    return Array.isArray(data) ? data : [data];
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (format === 'jsonl') return lines.map((line) => JSON.parse(line));
  if (format === 'csv') {
    const [header, ...rest] = lines.map(splitCsvLine);
    if (!header) return [];
    // Spark writes a header per part file: drop repeats.
    return rest.filter((row) => row.join(',') !== header.join(',')).map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
  }
  return lines;
}

export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
