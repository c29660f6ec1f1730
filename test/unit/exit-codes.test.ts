// One table of exit codes for every command (issue 24, item 2), as docs/instructors.md lists it:
// the grade subcommands' bad inputs are all 2 (usage), whichever subcommand finds them.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EXIT } from '../../src/core/errors.js';
import { writeReports } from '../../src/grading/grade/reports.js';
import { tempDir } from '../helpers/temp.js';
import { sampleResults } from './grade-sample.js';

const root = resolve(import.meta.dirname, '..', '..');
const dir = tempDir('de-lab-exit-codes-');
const empty = join(dir, 'empty');
const graded = join(dir, 'graded');
const missing = join(dir, 'missing');
mkdirSync(empty);
writeReports(sampleResults(), graded);

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.stubEnv('DE_LAB_LANG', 'en');
  vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/docker.sock');
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    stderr += String(text);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

const adjust = (out: string, ...more: string[]) => [
  'grade',
  'adjust',
  out,
  '--learner',
  'alice',
  '--check',
  'rows',
  '--comment',
  'ran on my machine',
  ...more,
];

describe('exit codes', () => {
  it('are the table docs/instructors.md lists', () => {
    const doc = readFileSync(join(root, 'docs', 'instructors.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'));
    const codes = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(EXIT));
  });

  it.each([
    ['grade adjust: a folder without results.json', adjust(empty, '--points', '1'), /holds no results\.json/],
    [
      'export: a folder without results.json',
      ['grade', 'export', empty, '--format', 'canvas'],
      /holds no results\.json/,
    ],
    ['grade merge: a folder without results.json', ['grade', 'merge', empty], /holds no results\.json/],
    ['grade similarity: a folder without results.json', ['grade', 'similarity', empty], /holds no results\.json/],
    ['grade adjust: no --points', adjust(graded), /needs --points/],
    ['grade adjust: points above the weight', adjust(graded, '--points', '4'), /--points must be a number from 0 to 3/],
    ['grade adjust: an unknown learner', [...adjust(graded, '--points', '1'), '--learner', 'bob'], /no learner "bob"/],
    [
      'export: a class file that is not there',
      ['grade', 'export', graded, '--format', 'csv', '--class', missing],
      /no class file/,
    ],
    ['grade merge: a whole run, not a shard', ['grade', 'merge', graded], /not a shard/],
    ['grade grade: no --submissions', ['grade', 'day1'], /needs --submissions/],
    ['grade grade: a day that does not exist', ['grade', 'day99', '--submissions', empty], /day99/],
    [
      'grade grade: a submissions folder that is not there, said before any engine is asked',
      ['grade', 'day1', '--submissions', missing, '--engines', 'ssh://nobody@127.0.0.1:1'],
      /The submissions folder .* does not exist/,
    ],
    [
      'selftest: an --exercise id the day does not have, said before any engine is asked',
      ['selftest', 'day1', '--exercise', 'hello-docker'],
      /No exercise called "hello-docker" in day1\.[\s\S]*Choose from: dockerfile-data-tool, env-config,/,
    ],
  ])('%s: 2 (usage), in one sentence with a hint', async (_name, args, message) => {
    await main(['node', 'de-lab', ...args]);
    expect(stderr).toMatch(message);
    expect(process.exitCode, stderr).toBe(EXIT.usage);
    expect(stderr.trim().split('\n')).toHaveLength(2);
  });

  it('grade adjust with good input: 0 (ok)', async () => {
    await main(['node', 'de-lab', ...adjust(graded, '--points', '1')]);
    expect(process.exitCode, stderr).toBe(EXIT.ok);
  });
});
