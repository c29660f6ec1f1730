import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/course/diff.js';
import { renderMarkdown } from '../../src/ui/markdown.js';
import { prng } from '../helpers/course.js';

/** Applies a unified diff to `text` (enough of `patch` to prove the diff is right). */
function applyPatch(text: string, diff: string): string {
  const source = text.split(/(?<=\n)/).filter((line) => line !== '');
  const lines = diff.split('\n');
  const out: string[] = [];
  let at = 0;
  for (let i = 2; i < lines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i]!);
    if (!header) continue;
    const start = Number(header[1]) - (header[2] === '0' ? 0 : 1);
    while (at < start) out.push(source[at++]!);
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      if (line === '') continue;
      const noEol = lines[i + 1] === '\\ No newline at end of file';
      const body = line.slice(1) + (noEol ? '' : '\n');
      if (line[0] === ' ' || line[0] === '-') {
        expect(source[at]).toBe(body);
        at++;
      }
      if (line[0] === ' ' || line[0] === '+') out.push(body);
      if (noEol) i++;
    }
    i--;
  }
  while (at < source.length) out.push(source[at++]!);
  return out.join('');
}

describe('unified diff', () => {
  it('prints hunks like diff -u', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    expect(unifiedDiff(before, after, { before: 'x (yours)', after: 'x (solution)' })).toBe(
      [
        '--- x (yours)',
        '+++ x (solution)',
        '@@ -1,5 +1,5 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        ' d',
        ' e',
        '@@ -8,3 +8,4 @@',
        ' h',
        ' i',
        ' j',
        '+k',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff('same\n', 'same\n', { before: 'a', after: 'b' })).toBe('');
    expect(unifiedDiff('', 'new\n', { before: '/dev/null', after: 'b' })).toBe(
      '--- /dev/null\n+++ b\n@@ -0,0 +1 @@\n+new\n',
    );
    expect(unifiedDiff('x', 'x\n', { before: 'a', after: 'b' })).toBe(
      '--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n',
    );
  });

  it('turns one random text into another when applied (seeded)', () => {
    const random = prng(7);
    const words = ['alpha', 'beta', 'gamma', 'delta', ''];
    const text = () =>
      Array.from({ length: Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]).join('\n') +
      (random() < 0.8 ? '\n' : '');
    for (let n = 0; n < 300; n++) {
      const before = text();
      const after = text();
      const diff = unifiedDiff(before, after, { before: 'a', after: 'b' });
      if (before === after) expect(diff).toBe('');
      else expect(applyPatch(before, diff)).toBe(after);
    }
  });
});

describe('markdown for the terminal', () => {
  it('drops heading marks and code fences, keeps the text', () => {
    const rendered = renderMarkdown('# Title\n\nRun `de-lab start`.\n\n```sh\necho hi\n```\n\n- item **bold**\n');
    expect(rendered.replace(/\u001b\[[0-9;]*m/g, '')).toBe('Title\n\nRun de-lab start.\n\n    echo hi\n\n- item bold');
  });
});
