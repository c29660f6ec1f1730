import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineEndingNotes, lineEndingsMatter, normaliseLineEndings, toCrlf } from '../../src/grading/line-endings.js';
import { crlfCopy } from '../../src/grading/selftest.js';
import { scratchCopy } from '../../src/grading/session.js';

const root = mkdtempSync(join(tmpdir(), 'de-lab-crlf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const b = (text: string) => Buffer.from(text, 'utf8');

describe('Windows line endings in learner files', () => {
  it('reads CRLF as LF in configs, Python, SQL, CSV, YAML, Fluentd configs and Dockerfiles', () => {
    for (const file of ['fluent.conf', 'job.py', 'q.sql', 'rows.csv', 'compose.yaml', '.env', 'Dockerfile']) {
      const out = normaliseLineEndings(file, b('a = 1\r\nb = "é"\r\n\r\nlast'));
      expect(out, file).toEqual({ data: b('a = 1\nb = "é"\n\nlast'), endings: 'converted' });
    }
  });

  it('keeps CRLF in shell scripts, where sh takes the \\r for part of a command', () => {
    expect(lineEndingsMatter('run.sh', b('echo'))).toBe(true);
    expect(lineEndingsMatter('tool', b('#!/bin/sh\r\n'))).toBe(true);
    expect(lineEndingsMatter('Dockerfile', b('#!'))).toBe(false);
    expect(normaliseLineEndings('squares.sh', b('echo 1\r\n')).endings).toBe('kept');
  });

  it('leaves LF files, lone CRs and binary files alone', () => {
    expect(normaliseLineEndings('a.py', b('x\ny\n')).endings).toBe('lf');
    expect(normaliseLineEndings('a.txt', b('x\ry')).endings).toBe('lf');
    const binary = Buffer.from([0, 13, 10, 1]);
    expect(normaliseLineEndings('a.parquet', binary)).toEqual({ data: binary, endings: 'lf' });
    expect(toCrlf(binary)).toBe(binary);
  });

  it('toCrlf gives CRLF once, whatever the file had', () => {
    expect(toCrlf(b('a\nb\r\nc')).toString()).toBe('a\r\nb\r\nc');
  });

  it('says what was read as LF and what was kept, in English and Korean', () => {
    expect(lineEndingNotes([], [])).toEqual([]);
    const [converted, kept] = lineEndingNotes(['fluent.conf'], ['run.sh']);
    expect(converted!.en).toContain('read as LF');
    expect(converted!.ko).toContain('fluent.conf');
    expect(kept!.en).toContain('save run.sh with LF line endings');
  });

  it('the scratch copy that every grader reads holds LF, and says which files it changed', () => {
    const dir = join(root, 'exercise');
    mkdirSync(join(dir, 'starter'), { recursive: true });
    writeFileSync(join(dir, 'starter', 'fluent.conf'), 'starter\n');
    writeFileSync(join(dir, 'starter', 'run.sh'), 'echo starter\n');
    const learner = join(root, 'learner');
    mkdirSync(learner, { recursive: true });
    writeFileSync(join(learner, 'fluent.conf'), '<source>\r\n  @type tail\r\n</source>\r\n');
    writeFileSync(join(learner, 'run.sh'), 'echo hi\r\n');
    const spec = { day: 'd', exercise: 'e', dir, files: ['fluent.conf', 'run.sh'], steps: [], checks: [] };
    const dayDir = join(root, 'day');
    const copy = scratchCopy(spec, learner, dayDir, 'e-learner');
    expect(readFileSync(join(copy.dir, 'fluent.conf'), 'utf8')).toBe('<source>\n  @type tail\n</source>\n');
    expect(readFileSync(join(copy.dir, 'run.sh'), 'utf8')).toBe('echo hi\r\n');
    expect([copy.converted, copy.kept]).toEqual([['fluent.conf'], ['run.sh']]);
  });

  it("crlfCopy makes a Windows editor's copy of a folder (selftest --crlf)", () => {
    const from = join(root, 'solution');
    mkdirSync(join(from, 'conf'), { recursive: true });
    writeFileSync(join(from, 'compose.yaml'), 'services:\n  a: {}\n');
    writeFileSync(join(from, 'conf', 'fluent.conf'), '<match **>\n</match>\n');
    const to = crlfCopy(from, join(root, 'solution-crlf'));
    expect(readFileSync(join(to, 'compose.yaml'), 'utf8')).toBe('services:\r\n  a: {}\r\n');
    expect(readFileSync(join(to, 'conf', 'fluent.conf'), 'utf8')).toBe('<match **>\r\n</match>\r\n');
  });
});
