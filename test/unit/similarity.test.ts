import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExercises } from '../../src/course/exercises.js';
import { findLab } from '../../src/course/labs.js';
import { shareOrPercent } from '../../src/cli/parse.js';
import { unpackClass } from '../../src/grading/similarity/collect.js';
import { similarPairs, spansOf } from '../../src/grading/similarity/compare.js';
import { hashOf, identicalFiles, sharedLiterals } from '../../src/grading/similarity/identical.js';
import { buildSimilarity } from '../../src/grading/similarity/report.js';
import { boilerplateOf, literalsOf, tokenizeLearner } from '../../src/grading/similarity/tokens.js';
import { similarityHtml } from '../../src/grading/reporters/html-similarity.js';
import { Region } from '@dodona/dolos-core';
import { fixtureLabs, similarityClass } from '../helpers/similarity-class.js';
import type { GradeResults } from '../../src/grading/grade/model.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const learner = (name: string, text: string, file = 'compose.yaml') => ({
  learner: name,
  files: [{ file, lines: text.split('\n') }],
});
const compose = `services:
  report:
    image: report:1.0
    env_file: report.env
    environment:
      REPORT_TITLE: "Top 3 products"
      OWNER: alice_smith
    ports:
      - "127.0.0.1:\${REPORT_PORT}:8080"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
      interval: 5s
      retries: 12
`;
const other = `services:
  report:
    build: .
    command: ["python3", "report_server.py", "--port", "8080"]
    deploy:
      resources: {limits: {memory: 64m}}
    volumes: [data:/data]
volumes:
  data: {}
`;

describe('similar pairs (Dolos winnowing over lexical tokens)', () => {
  it('puts a copied file with one change at the top and leaves an independent one out', () => {
    const pairs = similarPairs(
      'env-config',
      [learner('carol', other), learner('bob', compose.replace('alice_smith', 'bob_lee')), learner('alice', compose)],
      new Set(),
      0.5,
    );
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ exercise: 'env-config', left: 'alice', right: 'bob' });
    expect(pairs[0]!.similarity).toBeGreaterThan(0.6);
    const marked = pairs[0]!.fragments.flatMap((f) => f.left);
    expect(marked.some((s) => s.file === 'compose.yaml' && s.from <= 12 && s.to >= 10)).toBe(true);
  });

  it('never matches on lines of the starter or the solution', () => {
    const both = learner('a', compose);
    const pairs = similarPairs('x', [both, { ...both, learner: 'b' }], boilerplateOf([compose]), 0.01);
    expect(pairs).toEqual([]);
    expect(tokenizeLearner(both, boilerplateOf([compose])).file.tokens).toEqual([]);
  });

  it('maps a region back to lines of each file', () => {
    const origins = [
      { file: 'a', line: 1 },
      { file: 'a', line: 2 },
      { file: 'b', line: 1 },
    ];
    expect(spansOf(new Region(0, 0, 2, 3), origins)).toEqual([
      { file: 'a', from: 1, to: 2 },
      { file: 'b', from: 1, to: 1 },
    ]);
  });
});

describe('identical files and shared literals', () => {
  const ev = (name: string, files: Record<string, string>, literals: string[] = []) => ({
    learner: name,
    files: Object.entries(files).map(([file, text]) => ({ file, bytes: Buffer.from(text) })),
    literals: new Set(literals),
  });

  it('groups byte-identical files, leaving out empty ones and the starter', () => {
    const found = identicalFiles(
      'ex',
      [
        ev('a', { 'out.csv': '1,2\n', 'run.sh': 'starter', e: '' }),
        ev('b', { 'out.csv': '1,2\n', 'run.sh': 'starter', e: '' }),
        ev('c', { 'out.csv': '3\n' }),
      ],
      new Set([hashOf(Buffer.from('starter'))]),
    );
    expect(found).toEqual([
      { exercise: 'ex', file: 'out.csv', sha256: hashOf(Buffer.from('1,2\n')), learners: ['a', 'b'] },
    ]);
    // Held by three of four: what the exercise produces for everyone.
    const most = ['a', 'b', 'c', 'd'].map((n) => ev(n, { 'out.csv': n === 'd' ? 'other' : 'same' }));
    expect(identicalFiles('ex', most, new Set())).toEqual([]);
  });

  it('flags literals a few learners share that the exercise never mentions', () => {
    const learners = [
      ev('a', {}, ['1521', '8080']),
      ev('b', {}, ['1521', '8080']),
      ev('c', {}, ['8080']),
      ev('d', {}, []),
    ];
    expect(sharedLiterals('ex', learners, 'publish port 8080')).toEqual([
      { exercise: 'ex', literal: '1521', learners: ['a', 'b'] },
    ]);
    // Three of four is more than half the class: an answer the exercise leads to.
    expect(
      sharedLiterals(
        'ex',
        [...learners.slice(0, 3).map((l) => ({ ...l, literals: new Set(['777']) })), learners[3]!],
        '',
      ),
    ).toEqual([]);
  });

  it('reads numbers and quoted texts off lines that are not boilerplate', () => {
    const lines = ['x = 1521 + 7', 'name = "kim-minji"', "keep = 'abc'", 'v1.2.3 not a number', 'seed 99999'];
    expect([...literalsOf(lines, boilerplateOf(['seed 99999']))].sort()).toEqual(['1521', 'kim-minji']);
  });
});

describe('a class on disk', () => {
  const made = similarityClass();
  afterAll(() => rmSync(made.root, { recursive: true, force: true }));

  it('finds the copied pair, the identical output and the hard-coded literals, and marks them in the page', async () => {
    const results = JSON.parse(readFileSync(join(made.out, 'results.json'), 'utf8')) as GradeResults;
    const lab = findLab('day7', fixtureLabs);
    const learners = await unpackClass(results, join(made.root, 'tmp'));
    expect(learners.map((l) => l.learner)).toEqual(['alice', 'bob', 'carol']);
    const { report, texts } = buildSimilarity('day7', loadExercises(lab), learners, 0.5);
    expect(report.pairs[0]).toMatchObject({ exercise: 'seeded-squares', left: 'alice', right: 'bob' });
    expect(report.pairs.some((p) => p.left === 'carol' || p.right === 'carol')).toBe(false);
    // image-user holds the reference solution for all three: nothing to compare there.
    expect(report.pairs.some((p) => p.exercise === 'image-user')).toBe(false);
    expect(report.identicalFiles.map((f) => [f.file, f.learners])).toEqual([['out.csv', ['alice', 'bob']]]);
    expect(report.sharedLiterals.map((l) => l.literal)).toEqual(
      expect.arrayContaining(['1521', 'generated-by-kim-2931']),
    );
    const html = similarityHtml(report, texts);
    expect(html).toContain('<mark class="match" data-line="');
    expect(html).toContain('never a score');
  });
});

describe('--threshold', () => {
  it('takes a share or a percentage and refuses anything else', () => {
    expect(shareOrPercent('0.4')).toBe(0.4);
    expect(shareOrPercent('70')).toBe(0.7);
    for (const bad of ['0', '', 'x', '-1', '101'])
      expect(() => shareOrPercent(bad)).toThrow(/Give a share above 0 up to 1, or a percentage up to 100/);
  });
});
