// Every --help example names real days and exercises of the course, and passwords that work
// (issue 16 item 8): the examples are checked against labs/, so they cannot go stale silently.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { findExercise } from '../../src/course/exercises.js';
import { findLab } from '../../src/course/labs.js';

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

function examplesOf(command: Command): string[] {
  let text = '';
  (command as unknown as NodeJS.EventEmitter).emit('afterHelp', {
    error: false,
    command,
    write: (s: string) => (text += s),
  });
  return text
    .split('\n')
    .map((line) => /^\s*\$ (.*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
}

interface Parsed {
  path: string[];
  command: Command;
  args: Record<string, string>;
  options: Record<string, string>;
  rest: string[];
}

/** Resolves `de-lab <cmd> [sub] args…` the way commander would: subcommands, options that take a value, positionals. */
function parseExample(program: Command, line: string): Parsed {
  const from = line
    .slice(line.indexOf('de-lab ') + 'de-lab '.length)
    .replace(/\s+\(.*\)\s*$/, '')
    .replace(/\s+<\s+\S+$/, '');
  const tokens = from.split(/\s+/).filter(Boolean);
  let command = program;
  const path: string[] = [];
  const positionals: string[] = [];
  const options: Record<string, string> = {};
  let rest: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      rest = tokens.slice(i + 1);
      break;
    }
    if (token.startsWith('-')) {
      const option = [...command.options, ...program.options].find((o) => o.long === token || o.short === token);
      if (!option) throw new Error(`unknown option ${token} in "${line}"`);
      if (option.required || option.optional) options[option.attributeName()] = tokens[++i]!;
      continue;
    }
    const sub = positionals.length === 0 ? command.commands.find((c) => c.name() === token) : undefined;
    if (sub) {
      command = sub;
      path.push(token);
    } else positionals.push(token);
  }
  const args: Record<string, string> = {};
  command.registeredArguments.forEach((argument, i) => {
    if (positionals[i] !== undefined) args[argument.name()] = positionals[i]!;
  });
  return { path, command, args, options, rest };
}

const program = await buildProgram();
const examples = allCommands(program).flatMap((command) =>
  examplesOf(command).map((line) => ({ owner: command.name(), line })),
);

describe('--help examples', () => {
  it('there are examples to check', () => {
    expect(examples.length).toBeGreaterThan(40);
  });

  it.each(examples)('$owner: $line', ({ line }) => {
    const parsed = parseExample(program, line);
    expect(parsed.path.length, `"${line}" names no command`).toBeGreaterThan(0);
    const day = parsed.args.day ?? parsed.options.day;
    if (!day) return;
    const lab = findLab(day);
    const exercise = parsed.args.id ?? parsed.options.exercise;
    if (exercise) expect(() => findExercise(lab, exercise)).not.toThrow();
    if (parsed.path[0] === 'shell' && parsed.args.service) {
      const compose = parse(readFileSync(lab.composeFile, 'utf8')) as {
        services: Record<string, { environment?: Record<string, string> }>;
      };
      expect(Object.keys(compose.services), `${lab.id} has no service ${parsed.args.service}`).toContain(
        parsed.args.service,
      );
      const env = compose.services[parsed.args.service]!.environment ?? {};
      const user = parsed.rest.find((t) => t.startsWith('-u'))?.slice(2);
      const password = parsed.rest.find((t) => /^-p./.test(t))?.slice(2);
      if (password) {
        const expected =
          user === 'root' ? env.MARIADB_ROOT_PASSWORD : env.MARIADB_USER === user ? env.MARIADB_PASSWORD : undefined;
        expect(password, `password for ${user} in "${line}"`).toBe(expected);
      }
    }
  });
});
