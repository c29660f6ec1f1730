// gen, start and status let commander validate their options (.argParser + InvalidArgumentError):
// a bad value is a usage error (exit 2) naming the option, before anything contacts the engine.
import { execa } from 'execa';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { anyWholeNumber, kafkaTopic, numberAtLeast, share, waveList, wholeNumber } from '../../src/cli/parse.js';
import { bin, isolatedEnv } from '../helpers/cli.js';

const cli = (args: string[]) =>
  execa('node', [bin, ...args], {
    reject: false,
    extendEnv: false,
    env: isolatedEnv({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }),
  });

describe('option parsers', () => {
  it('accept good values as typed and refuse bad ones with InvalidArgumentError', () => {
    expect(wholeNumber(1)('3')).toBe('3');
    expect(anyWholeNumber('-7')).toBe('-7');
    expect(numberAtLeast(0, '50')('0')).toBe('0');
    expect(share('0.25')).toBe('0.25');
    expect(kafkaTopic('events.v1')).toBe('events.v1');
    expect(waveList('1,3-4')).toBe('1,3-4');
    for (const [parse, bad] of [
      [wholeNumber(1), '0'],
      [wholeNumber(1), '1.5'],
      [wholeNumber(1), ''],
      [anyWholeNumber, 'x'],
      [numberAtLeast(1, '2'), 'abc'],
      [share, '1.1'],
      [kafkaTopic, 'a/b'],
      [waveList, '3-1'],
      [waveList, '0'],
      [waveList, ','],
    ] as const) {
      expect(() => parse(bad), `${bad}`).toThrowError(InvalidArgumentError);
    }
  });

  it.each([
    [['gen', 'day4', '--seed', 'x'], "--seed <n>' argument 'x' is invalid"],
    [['gen', 'day4', '--wave', '3-1'], "--wave <list>' argument '3-1' is invalid"],
    [['start', 'day1', '--timeout', 'soon'], "--timeout <seconds>' argument 'soon' is invalid"],
    [['status', '--interval', '0'], "--interval <seconds>' argument '0' is invalid"],
  ])('de-lab %j is a usage error before the engine is contacted', async (args, message) => {
    const result = await cli(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/engine|socket/i);
  });
});

describe('one seed option for every command that takes --seed', () => {
  it('parses a whole number from 0 to the largest seed, and refuses the rest in one sentence', async () => {
    const { seedNumber, MAX_SEED } = await import('../../src/cli/parse.js');
    expect(seedNumber('982451653')).toBe('982451653');
    expect(seedNumber(' 0')).toBe('0');
    expect(seedNumber(String(MAX_SEED))).toBe(String(MAX_SEED));
    for (const bad of ['abc', '', '-5', '1.5', '1e3', String(MAX_SEED + 1), 'NaN'])
      expect(() => seedNumber(bad), bad).toThrow(/Give a whole number from 0 to 2147483647/);
  });
});

describe('an interrupted check', () => {
  it('suggests the same command again: the day, the exercise and the seed it had', async () => {
    const { again } = await import('../../src/cli/commands/check.js');
    expect(again('day2', ['parse-filter'])).toBe('de-lab check day2 parse-filter');
    expect(again('day2')).toBe('de-lab check day2');
    expect(again('day4', ['parse-events'], 0)).toBe('de-lab check day4 parse-events --seed 0');
  });
});

describe('check lines', () => {
  it('print one cause once, then only the checks it skipped', async () => {
    const { renderCheckLine } = await import('../../src/cli/render/check-lines.js');
    const skipped = (id: string) => ({
      id,
      title: id,
      kind: 'file',
      weight: 1,
      status: 'skipped' as const,
      seconds: 0,
      message: 'not checked: step run failed (exited with code 1)',
    });
    const first = renderCheckLine(skipped('a'));
    const second = renderCheckLine(skipped('b'), skipped('a').message);
    expect(first).toContain('step run failed');
    expect(second).not.toContain('step run failed');
    expect(second).toContain('b');
  });
});

describe('expected and found', () => {
  it('line up in English and in Korean', async () => {
    const { renderCheckLine } = await import('../../src/cli/render/check-lines.js');
    const { setLang } = await import('../../src/i18n/lang.js');
    const failed = {
      id: 'a',
      title: 'a',
      kind: 'file',
      weight: 1,
      status: 'failed' as const,
      seconds: 0,
      expected: 'X',
      found: 'Y',
    };
    for (const lang of ['en', 'ko'] as const) {
      setLang(lang);
      const [, e, f] = renderCheckLine(failed).split('\n');
      const { displayWidth } = await import('../../src/ui/style.js');
      expect(displayWidth(e!.slice(0, e!.indexOf('X'))), lang).toBe(displayWidth(f!.slice(0, f!.indexOf('Y'))));
    }
    setLang('en');
  });
});
