import { describe, expect, it } from 'vitest';
import { csvField, gradebookCsv } from '../../src/grading/reporters/csv.js';
import { classHtml } from '../../src/grading/reporters/html-class.js';
import { learnerHtml } from '../../src/grading/reporters/html-learner.js';
import { junitXml } from '../../src/grading/reporters/junit.js';
import { summaryTable } from '../../src/grading/reporters/summary.js';
import { sampleResults } from './grade-sample.js';

/** RFC 4180 reader, to prove the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

/** A strict enough XML well-formedness check: balanced tags, quoted attributes, no raw < or & in text. */
function assertWellFormedXml(xml: string): { elements: string[] } {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.replace(/^<\?xml[^?]*\?>\n/, '');
  expect(body).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  const stack: string[] = [];
  const elements: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, close, name, , self, text] = match;
    if (text !== undefined) {
      expect(text, 'text holds a bare & or >').not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      if (stack.length === 0) expect(text.trim()).toBe('');
      continue;
    }
    if (close) expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    else {
      elements.push(name!);
      if (!self) stack.push(name!);
    }
  }
  expect(consumed, `unparseable XML at: ${body.slice(consumed, consumed + 60)}`).toBe(body.length);
  expect(stack).toEqual([]);
  return { elements };
}

describe('grade reporters', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('kim, "minji"')).toBe('"kim, ""minji"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField(4.5)).toBe('4.5');
    expect(csvField(undefined)).toBe('');
  });

  it('writes a gradebook: learners × exercises, total, percent, status; it parses back', () => {
    const csv = gradebookCsv(sampleResults());
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['learner', 'squares [4]', 'image [2]', 'total [6]', 'percent', 'status', 'reason']);
    expect(rows).toHaveLength(6);
    expect(rows[1]).toEqual(['alice', '4', '2', '6', '100', 'graded', '']);
    expect(rows[2]).toEqual(['kim, "minji"', '1', '0', '1', '16.7', 'graded', '']);
    expect(rows[3]![0]).toBe(`'=HYPERLINK("x")`);
    expect(rows[3]![6]).toBe('squares: step run failed:\ntimed out');
    expect(rows[4]!.slice(1, 6)).toEqual(['0', '0', '0', '0', 'rejected']);
    for (const row of rows) expect(row).toHaveLength(7);
  });

  it('writes well-formed JUnit XML: a suite per learner, a case per check, failures with their message', () => {
    const results = sampleResults();
    const xml = junitXml(results);
    const { elements } = assertWellFormedXml(xml);
    expect(elements.filter((e) => e === 'testsuite')).toHaveLength(5);
    expect(elements.filter((e) => e === 'testcase')).toHaveLength(15);
    const failures = elements.filter((e) => e === 'failure').length;
    const errors = elements.filter((e) => e === 'error').length;
    expect(xml).toMatch(
      new RegExp(`<testsuites name="de-lab grade day7" tests="15" failures="${failures}" errors="${errors}"`),
    );
    expect(errors).toBe(1); // the grader's own failure; a rejected learner's checks are failures (0 points)
    expect(xml).toContain(
      '<testcase classname="kim, &quot;minji&quot;.squares" name="rows: rows &amp; &quot;values&quot;" time="0.250" assertions="3">',
    );
    expect(xml).toContain('<failure message="expected: 16" type="failed">expected: 16\nfound: 8 &lt;b&gt;</failure>');
    expect(xml).toContain('message="submission rejected: entry &quot;../x&quot; uses &quot;..&quot; (path traversal)"');
    expect(xml).toContain('name="bad\uFFFDchar"');
    expect(xml).toContain('timestamp="2026-01-02T03:04:05"');
  });

  it('writes self-contained HTML: no scripts, no external assets, inline SVG plots, escaped text', () => {
    const results = sampleResults();
    const pages = [classHtml(results), ...results.learners.map((l) => learnerHtml(results, l))];
    for (const html of pages) {
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=/i);
      expect(html).not.toMatch(/(href|src)="(https?:)?\/\//i);
      expect(html).not.toContain('<script>alert(1)</script>');
    }
    const [cls] = pages as [string];
    expect(cls.match(/<svg /g)).toHaveLength(2);
    expect(cls).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(cls).toContain('href="learners/l-alice.html"');
    expect(cls).toContain('squares / rows &amp; &quot;values&quot;');
    expect(cls).toMatch(/<title>squares \/ rows &amp; &quot;values&quot;: 1\/3 \(33 %\)<\/title>/);
    expect(pages[3]).toContain('timed out after 20 s');
    expect(pages[3]).toContain('&lt;tag&gt;');
  });

  it('keeps a hidden seed out of the learner pages', () => {
    const results = { ...sampleResults(), seed: 987654321, courseSeed: false };
    results.learners = results.learners.map((l) => ({ ...l, seed: 987654321 }));
    for (const l of results.learners) expect(learnerHtml(results, l)).not.toContain('987654321');
    expect(classHtml(results)).not.toContain('987654321');
  });

  it('prints a terminal summary with a row per learner and the class figures', () => {
    const text = summaryTable(sampleResults(), 120);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/LEARNER\s+SQUARES\s+IMAGE\s+TOTAL\s+%\s+STATUS\s+REASON/);
    expect(lines[1]).toMatch(/alice\s+4\/4\s+2\/2\s+6\/6\s+100\s+graded/);
    expect(text).toContain('5 learners: 3 graded, 1 rejected, 1 grader errors');
  });
});

describe('class.html charts', () => {
  it('puts full marks in a bin of their own, not with 90 %', async () => {
    const { computeStats } = await import('../../src/grading/grade/model.js');
    const learner = (percent: number) => ({ percent, status: 'graded', exercises: [] }) as never;
    const { distribution } = computeStats([], [learner(100), learner(95), learner(90), learner(89.9), learner(0)]);
    expect(distribution.map((bin) => bin.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]);
    expect(distribution.at(-1)).toEqual({ from: 100, to: 100, count: 1 });
  });

  it('makes the label column as wide as the longest label, so pass-rate labels are not clipped', async () => {
    const { fitLabel, rateBars } = await import('../../src/grading/reporters/svg.js');
    const long = 'day2/parse-filter: every parsed record keeps its original timestamp';
    const svg = rateBars(
      [
        { label: 'a', rate: 1, note: '2/2' },
        { label: long, rate: 0.5, note: '1/2' },
      ],
      't',
    );
    const labelX = Number(/<text x="([\d.]+)" y="\d+" text-anchor="end">/.exec(svg)![1]);
    expect(labelX).toBeGreaterThanOrEqual(fitLabel(long).length * 7.5);
    expect(fitLabel(long)).toHaveLength(60);
    expect(fitLabel(long).endsWith('…')).toBe(true);
    expect(fitLabel('짧은 이름')).toBe('짧은 이름');
    expect(fitLabel('가'.repeat(40))).toBe(`${'가'.repeat(29)}…`);
  });
});
