import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { anchorsOf, brokenLinks, commandProblems, deLabCommands, npmScripts } from '../helpers/doc-check.js';
import { tempDir } from '../helpers/temp.js';

const root = resolve(import.meta.dirname, '..', '..');
const docs = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

let program: Command;
beforeAll(async () => {
  program = await buildProgram();
});

describe('the docs name only what exists', () => {
  it.each(docs)('%s: every de-lab command and flag exists', (doc) => {
    const commands = deLabCommands(readFileSync(join(root, doc), 'utf8'));
    expect(commands.flatMap((tokens) => commandProblems(program, tokens))).toEqual([]);
  });

  it.each(docs)('%s: every npm script exists', (doc) => {
    expect(npmScripts(readFileSync(join(root, doc), 'utf8')).filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it.each(docs)('%s: every relative link and anchor resolves', (doc) => {
    expect(brokenLinks(join(root, doc)).map((problem) => `${doc}: ${problem}`)).toEqual([]);
  });

  it('the README keeps the set-up commands CI and newcomers rely on, in at most 150 lines', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    expect(readme).toContain('npm install && npm link && de-lab start day1');
    expect(readme).toMatch(/^npm test\b/m);
  });
});

describe('the doc checks fail when they should', () => {
  it('a missing file, a missing heading, an unknown command, flag or script are all found', () => {
    const dir = tempDir('de-lab-docs-');
    writeFileSync(join(dir, 'other.md'), '# Other page\n\n## Grading a class\n');
    const page = join(dir, 'page.md');
    writeFileSync(
      page,
      [
        '# Page',
        '[ok](other.md#grading-a-class) [self](#page) [gone](missing.md) [bad anchor](other.md#nowhere)',
        '```sh',
        'de-lab start day1 --timeout 60   # fine',
        'de-lab strat day1',
        'de-lab images build --no-such-flag',
        'npm run no-such-script',
        '```',
      ].join('\n'),
    );
    expect(brokenLinks(page).map((problem) => problem.split(':')[0])).toEqual(['missing.md', 'other.md#nowhere']);
    const markdown = readFileSync(page, 'utf8');
    const problems = deLabCommands(markdown).flatMap((tokens) => commandProblems(program, tokens));
    expect(problems).toEqual([
      'de-lab strat day1: strat is not a command of de-lab',
      'de-lab images build --no-such-flag: --no-such-flag is not an option of build',
    ]);
    expect(npmScripts(markdown).filter((name) => !scripts.includes(name))).toEqual(['no-such-script']);
    expect(relative(dir, page)).toBe('page.md');
  });

  it('anchors follow GitHub: punctuation dropped, spaces to hyphens, repeats numbered', () => {
    expect([...anchorsOf('# Day 5 — the whole pipeline\n## A (b)\n## A (b)\n')]).toEqual([
      'day-5--the-whole-pipeline',
      'a-b',
      'a-b-1',
    ]);
  });
});
