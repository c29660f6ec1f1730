// Every numeric option is parsed by commander with a range (issue 24, item 2): a bad value is one
// line naming the option and one sentence saying what to give, exit code 2, before the command runs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** [command line before the option, the option, the smallest too-large value, whether 0 is too small]. */
const numeric: Array<[string[], string, string, boolean]> = [
  [['logs', 'day1'], '--tail', '1000001', false],
  [['status'], '--interval', '3601', true],
  [['watch', 'day1', 'env-config'], '--debounce', '60001', false],
  [['watch', 'day1', 'env-config'], '--runs', '10001', true],
  [['start', 'day1'], '--timeout', '7201', true],
  [['grade', 'day1'], '--parallel', '65', true],
  [['grade', 'day1'], '--shards', '257', true],
  [['grade', 'adjust', 'grades-day1'], '--points', '1000.5', false],
  [['grade', 'similarity', 'grades-day1'], '--threshold', '101', true],
  [['gen', 'day4'], '--count', '50000001', true],
  [['gen', 'day4'], '--rate', '100001', false],
  [['gen', 'day4'], '--late-share', '1.01', false],
  [['gen', 'day4'], '--wave', '1001', true],
  [['gen', 'day4'], '--seed', '2147483648', false],
  [['check', 'day1'], '--seed', '2147483648', false],
  [['watch', 'day1', 'env-config'], '--seed', '2147483648', false],
  [['selftest', 'day1'], '--seed', '2147483648', false],
  [['grade', 'day1'], '--seed', '2147483648', false],
];

const cases = numeric.flatMap(([before, option, tooLarge, zeroTooSmall]) =>
  [...(zeroTooSmall ? ['0'] : []), '-1', 'abc', '', tooLarge].map(
    (bad) => [[...before, `${option}=${bad}`], bad] as const,
  ),
);

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.stubEnv('DE_LAB_LANG', 'en');
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    stderr += String(text);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe('numeric options', () => {
  it.each(cases)('de-lab %j: a usage error in one sentence, exit code 2', async (args, bad) => {
    await main(['node', 'de-lab', ...args]);
    expect(process.exitCode).toBe(2);
    const option = args[args.length - 1]!.split('=')[0]!;
    // One line: commander's "option … is invalid." and the parser's one sentence with an example.
    expect(stderr).toMatch(
      new RegExp(
        `^error: option '${option} <[^>]+>' argument '${bad.replace('.', '\\.')}' is invalid\\. Give [^\\n]+, e\\.g\\. [^\\n]+\\.\\n$`,
      ),
    );
  });

  it('take the smallest and the largest good value as typed', async () => {
    const { buildProgram } = await import('../../src/cli/main.js');
    const program = await buildProgram();
    const optionOf = (path: string[], flag: string) => {
      let command = program;
      for (const name of path) command = command.commands.find((c) => c.name() === name) ?? command;
      return command.options.find((o) => o.long === flag)!;
    };
    const parse = (path: string[], flag: string, text: string) =>
      (optionOf(path, flag).parseArg as (value: string, previous: unknown) => unknown)(text, undefined);
    expect(parse(['logs'], '--tail', '1000000')).toBe(1_000_000);
    expect(parse(['logs'], '--tail', '0')).toBe(0);
    expect(parse(['status'], '--interval', '1.5')).toBe(1.5);
    expect(parse(['watch'], '--debounce', '0')).toBe(0);
    expect(parse(['grade'], '--parallel', '64')).toBe(64);
    expect(parse(['grade', 'similarity'], '--threshold', '60')).toBe(0.6);
    expect(parse(['gen'], '--wave', '1-3,5')).toEqual([1, 2, 3, 5]);
    expect(parse(['gen'], '--seed', '0')).toBe(0);
    expect(parse(['gen'], '--late-share', '0')).toBe(0);
  });
});
