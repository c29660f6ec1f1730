import { describe, expect, it } from 'vitest';
import { buildProgram, commandName } from '../../src/cli/main.js';

describe('lazy command loading (issue 16: `de-lab list` loads only its own command)', () => {
  it('finds the command past global options and --lang’s value', () => {
    expect(commandName(['list'])).toBe('list');
    expect(commandName(['--json', '--lang', 'ko', 'check', 'day4'])).toBe('check');
    expect(commandName(['--lang=ko', '--no-color', 'start', 'day1'])).toBe('start');
    expect(commandName(['--help'])).toBeUndefined();
    expect(commandName([])).toBeUndefined();
  });

  it('registers only the named command, and every command otherwise', async () => {
    expect((await buildProgram('list')).commands.map((c) => c.name())).toEqual(['list']);
    const all = (await buildProgram()).commands.map((c) => c.name());
    expect(all.length).toBeGreaterThan(20);
    expect(all.slice(0, 4)).toEqual(['doctor', 'init', 'start', 'list']);
    // A misspelt name loads them all, so commander can still suggest the right one.
    expect((await buildProgram('lst')).commands.map((c) => c.name())).toEqual(all);
  });
});
