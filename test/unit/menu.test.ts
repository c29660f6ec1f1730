import { describe, expect, it } from 'vitest';
import { runMenu, type Choice, type MenuDeps } from '../../src/cli/menu.js';

/** Answers prompts from a script: each entry picks the choice whose label contains it. */
function scripted(answers: string[]): { deps: MenuDeps; dispatched: string[][]; asked: string[] } {
  const dispatched: string[][] = [];
  const asked: string[] = [];
  const deps: MenuDeps = {
    async select<T>(message: string, choices: Choice<T>[]): Promise<T> {
      asked.push(message);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no scripted answer for "${message}"`);
      const choice = choices.find((c) => c.name.includes(answer));
      if (!choice) throw new Error(`"${answer}" is not among ${choices.map((c) => c.name).join(' | ')}`);
      return choice.value;
    },
    async dispatch(argv) {
      dispatched.push(argv);
    },
    days: () => [
      {
        id: 'day1',
        title: 'Containers',
        done: 1,
        total: 2,
        exercises: [
          { id: 'dockerfile', title: 'Dockerfile', mark: '✔' },
          { id: 'volumes', title: 'Volumes', mark: '·' },
        ],
      },
      {
        id: 'day4',
        title: 'Streaming',
        done: 0,
        total: 1,
        exercises: [{ id: 'windows', title: 'Windows', mark: '·' }],
      },
    ],
  };
  return { deps, dispatched, asked };
}

describe('interactive menu', () => {
  it('starts the chosen day, opens an exercise, and runs check, hint and run on it', async () => {
    const { deps, dispatched } = scripted([
      'day1',
      'Volumes',
      'Check my work',
      'Show a hint',
      'Run my program',
      'Quit',
    ]);
    await runMenu(deps);
    expect(dispatched).toEqual([
      ['start', 'day1'],
      ['exercise', 'day1', 'volumes'],
      ['check', 'day1', 'volumes'],
      ['hint', 'day1', 'volumes'],
      ['run', 'day1', 'volumes'],
    ]);
  });

  it('goes back to other exercises and other days', async () => {
    const { deps, dispatched, asked } = scripted([
      'day1',
      'Dockerfile',
      'Show the instructions again',
      'Other exercise',
      'Other day',
      'day4',
      'Windows',
      'Compare with the solution',
      'Quit',
    ]);
    await runMenu(deps);
    expect(dispatched).toEqual([
      ['start', 'day1'],
      ['exercise', 'day1', 'dockerfile'],
      ['exercise', 'day1', 'dockerfile'],
      ['start', 'day4'],
      ['exercise', 'day4', 'windows'],
      ['solution', 'day4', 'windows'],
    ]);
    expect(asked[0]).toBe('Which day?');
  });

  it('quits from the first prompt without starting anything', async () => {
    const { deps, dispatched } = scripted(['Quit']);
    await runMenu(deps);
    expect(dispatched).toEqual([]);
  });
});
