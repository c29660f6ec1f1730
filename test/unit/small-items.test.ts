// Issue 16 item 13: small things a new learner trips over.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillWorkspace } from '../../src/cli/commands/exercise.js';
import { purgeQuestion } from '../../src/cli/commands/stop.js';
import { runMenu, type Choice, type MenuDeps } from '../../src/cli/menu.js';
import { labsDir } from '../../src/core/paths.js';
import { loadCourse, readInstructions } from '../../src/course/exercises.js';

describe('small items', () => {
  it("instructions show the learner's own workspace, never a literal <workspace>", () => {
    for (const day of loadCourse(labsDir))
      for (const exercise of day.exercises)
        for (const lang of ['en', 'ko'] as const)
          expect(fillWorkspace(readInstructions(exercise, lang), '/home/me/de-lab')).not.toContain('<workspace>');
    expect(fillWorkspace('cd <workspace>/day1/env-config', '/home/me/de-lab')).toBe(
      'cd /home/me/de-lab/day1/env-config',
    );
  });

  it('the mount table of named-volume-persistence has as many rows as the sentence above it says', () => {
    const text = readFileSync(
      join(labsDir, 'day1', 'exercises', 'named-volume-persistence', 'instructions.en.md'),
      'utf8',
    );
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six'];
    const said = /^(\w+) kinds of mount/im.exec(text)![1]!.toLowerCase();
    const table = text
      .slice(text.indexOf('| Kind |'))
      .split('\n\n')[0]!
      .split('\n')
      .filter((line) => line.startsWith('|'));
    expect(words.indexOf(said)).toBe(table.length - 2);
  });

  it('the --purge question does not promise to delete checkpoints, which live in the workspace it keeps', () => {
    const question = purgeQuestion('day4');
    expect(question).not.toMatch(/\(.*checkpoints.*\)\?/);
    expect(question).toContain('checkpoints');
    expect(question).toMatch(/workspace stays/);
  });

  it('the menu offers "Run my program" only for an exercise that has a program to run', async () => {
    const offered: string[][] = [];
    const answers = ['day1', 'Dockerfile', 'Quit'];
    const deps: MenuDeps = {
      async select<T>(_message: string, choices: Choice<T>[]): Promise<T> {
        offered.push(choices.map((c) => c.name));
        const answer = answers.shift()!;
        return choices.find((c) => c.name.includes(answer))!.value;
      },
      async dispatch() {},
      days: () => [
        {
          id: 'day1',
          title: 'Containers',
          done: 0,
          total: 1,
          exercises: [{ id: 'dockerfile', title: 'Dockerfile', mark: '·', runnable: false }],
        },
      ],
    };
    await runMenu(deps);
    expect(offered[2]).not.toContain('Run my program');
    expect(offered[2]).toContain('Check my work');
  });
});
