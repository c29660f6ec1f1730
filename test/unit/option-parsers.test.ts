// The option parsers commander calls (.argParser + InvalidArgumentError): each returns the value
// as typed; every command's numeric options are run through the CLI in cli-numbers.test.ts.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { kafkaTopic, numberBetween, share, waveList, wholeNumber } from '../../src/cli/parse.js';

describe('option parsers', () => {
  it('accept good values as typed and refuse bad ones with InvalidArgumentError', () => {
    expect(wholeNumber(1, 9)('3')).toBe(3);
    expect(numberBetween(0, 100, 50)('0.5')).toBe(0.5);
    expect(share('0.25')).toBe(0.25);
    expect(kafkaTopic('events.v1')).toBe('events.v1');
    expect(waveList('1, 3-4')).toEqual([1, 3, 4]);
    for (const [parse, bad] of [
      [wholeNumber(1, 9), '0'],
      [wholeNumber(1, 9), '10'],
      [wholeNumber(1, 9), '1.5'],
      [wholeNumber(1, 9), ''],
      [wholeNumber(1, 9), '1e0'],
      [numberBetween(1, 9, 2), 'abc'],
      [numberBetween(1, 9, 2), '9.5'],
      [share, '1.1'],
      [kafkaTopic, 'a/b'],
      [waveList, '3-1'],
      [waveList, '0'],
      [waveList, ','],
    ] as const) {
      expect(() => parse(bad), `${bad}`).toThrowError(InvalidArgumentError);
    }
  });
});

describe('one seed option for every command that takes --seed', () => {
  it('parses a whole number from 0 to the largest seed, and refuses the rest in one sentence', async () => {
    const { seedNumber, MAX_SEED } = await import('../../src/cli/parse.js');
    expect(seedNumber('982451653')).toBe(982451653);
    expect(seedNumber(' 0')).toBe(0);
    expect(seedNumber(String(MAX_SEED))).toBe(MAX_SEED);
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
