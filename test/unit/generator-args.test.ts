import { describe, expect, it } from 'vitest';
import { findLab } from '../../src/course/labs.js';
import { validateGenOptions } from '../../src/cli/gen-options.js';
import { generatorArgs, generatorTimeoutMs, lastLine, requireGenerator } from '../../src/stack/generator.js';

const day4 = findLab('day4');
const generator = requireGenerator(day4);

describe('de-lab gen: options to the generator', () => {
  it('maps the options through lab.yaml flags, with the defaults, and asks for a JSON summary', () => {
    expect(generatorArgs(generator, { seed: 7, lateShare: 0.1 }, 2, true)).toEqual([
      ...generator.command,
      '--seed',
      '7',
      '--events',
      '1000',
      '--wave',
      '2',
      '--late-share',
      '0.1',
      '--topic',
      'events',
      '--summary-json',
    ]);
    expect(generatorArgs(generator, { seed: 0, count: 5, topic: 't' }, undefined, false)).toEqual([
      ...generator.command,
      '--seed',
      '0',
      '--events',
      '5',
      '--topic',
      't',
    ]);
  });

  it('refuses an option the generator does not take', () => {
    const noRate = { ...generator, flags: { ...generator.flags, rate: undefined } };
    expect(() => validateGenOptions(noRate, day4, { rate: 5 })).toThrow(/has no --rate option/);
    expect(() => validateGenOptions(generator, day4, { rate: 5 })).not.toThrow();
  });

  it('gives a paced run its count/rate seconds on top of two minutes', () => {
    expect(generatorTimeoutMs(generator, {})).toBe(120_000);
    expect(generatorTimeoutMs(generator, { count: 500, rate: 50 })).toBe(130_000);
  });

  it('names a day without a generator, and quotes the last line of a failure', () => {
    expect(() => requireGenerator(findLab('day1'))).toThrow(/has no data generator/);
    expect(lastLine('first\nKafka is down.  \n\n')).toBe('Kafka is down');
    expect(lastLine('')).toBe('no output');
  });
});
