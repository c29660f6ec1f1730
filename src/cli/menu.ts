import { tr } from '../i18n/lang.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** What the menu needs from the outside world; the CLI passes inquirer and itself, tests pass scripts. */
export interface MenuDeps {
  select<T>(message: string, choices: Choice<T>[]): Promise<T>;
  /** Runs a de-lab command (argv after "de-lab"), as if typed. */
  dispatch(argv: string[]): Promise<void>;
  days(): Array<{
    id: string;
    title: string;
    done: number;
    total: number;
    exercises: Array<{
      id: string;
      title: string;
      mark: string;
      /** The exercise has a program `de-lab run` starts. */ runnable?: boolean;
    }>;
  }>;
}

type DayAction = { kind: 'exercise'; id: string } | { kind: 'back' } | { kind: 'quit' };
type ExerciseAction = 'show' | 'run' | 'check' | 'hint' | 'solution' | 'back' | 'quit';

/**
 * `de-lab` with no arguments on a terminal: pick a day (its stack starts), pick an exercise,
 * then show, run, check or ask for a hint, until the learner quits.
 */
export async function runMenu(deps: MenuDeps): Promise<void> {
  for (;;) {
    const days = deps.days();
    const day = await deps.select<string | null>(tr({ en: 'Which day?', ko: '어느 날을 할까요?' }), [
      ...days.map((d) => ({ name: `${d.id}  ${d.title}  (${d.done}/${d.total})`, value: d.id })),
      { name: tr({ en: 'Quit', ko: '끝내기' }), value: null },
    ]);
    if (day === null) return;
    await deps.dispatch(['start', day]);
    for (;;) {
      const current = deps.days().find((d) => d.id === day)!;
      const picked = await deps.select<DayAction>(tr({ en: `${day}: which exercise?`, ko: `${day}: 어느 실습?` }), [
        ...current.exercises.map((e) => ({
          name: `${e.mark} ${e.title}`,
          value: { kind: 'exercise', id: e.id } as DayAction,
        })),
        { name: tr({ en: '← Other day', ko: '← 다른 날' }), value: { kind: 'back' } },
        { name: tr({ en: 'Quit', ko: '끝내기' }), value: { kind: 'quit' } },
      ]);
      if (picked.kind === 'quit') return;
      if (picked.kind === 'back') break;
      await deps.dispatch(['exercise', day, picked.id]);
      const runnable = current.exercises.find((e) => e.id === picked.id)?.runnable !== false;
      let leave = false;
      while (!leave) {
        const next = await deps.select<ExerciseAction>(
          tr({ en: `${day}/${picked.id}: what now?`, ko: `${day}/${picked.id}: 다음은?` }),
          [
            { name: tr({ en: 'Check my work', ko: '채점하기' }), value: 'check' },
            ...(runnable
              ? [{ name: tr({ en: 'Run my program', ko: '프로그램 실행' }), value: 'run' as ExerciseAction }]
              : []),
            { name: tr({ en: 'Show a hint', ko: '힌트 보기' }), value: 'hint' },
            { name: tr({ en: 'Show the instructions again', ko: '안내 다시 보기' }), value: 'show' },
            { name: tr({ en: 'Compare with the solution', ko: '답안과 비교' }), value: 'solution' },
            { name: tr({ en: '← Other exercise', ko: '← 다른 실습' }), value: 'back' },
            { name: tr({ en: 'Quit', ko: '끝내기' }), value: 'quit' },
          ],
        );
        if (next === 'quit') return;
        if (next === 'back') leave = true;
        else await deps.dispatch([next === 'show' ? 'exercise' : next, day, picked.id]);
      }
    }
  }
}
