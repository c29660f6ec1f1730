import type { Command } from 'commander';
import { tr, type Text } from '../../i18n/lang.js';
import { style, table } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { findOpenWorkspace, openWorkspace } from '../course.js';

interface HintView {
  day: string;
  exercise: string;
  /** What this run did: showed a new hint, listed the revealed ones, or found none left. */
  outcome: 'revealed' | 'listed' | 'no-more' | 'none-yet';
  revealed: number;
  total: number;
  hints: Array<{ number: number; text: Text }>;
}

function render(d: HintView): string {
  const show = (hint: { number: number; text: Text }) =>
    `${style.bold(tr({ en: `Hint ${hint.number}/${d.total}`, ko: `힌트 ${hint.number}/${d.total}` }))}: ${tr(hint.text)}`;
  const solution = style.code(`de-lab solution ${d.day} ${d.exercise}`);
  switch (d.outcome) {
    case 'revealed':
      return [
        show(d.hints[0]!),
        ...(d.revealed === d.total
          ? [
              style.dim(
                tr({
                  en: `That was the last hint. Stuck? Compare with the reference: ${solution}`,
                  ko: `마지막 힌트였습니다. 막혔다면 모범 답안과 비교해 보세요: ${solution}`,
                }),
              ),
            ]
          : []),
      ].join('\n');
    case 'listed':
      return d.hints.map(show).join('\n');
    case 'none-yet':
      return tr({
        en: `No hints revealed yet; show the first with ${style.code(`de-lab hint ${d.day} ${d.exercise}`)}.`,
        ko: `아직 본 힌트가 없습니다. 첫 힌트는 ${style.code(`de-lab hint ${d.day} ${d.exercise}`)}로 보세요.`,
      });
    case 'no-more':
      return tr({
        en: `There are no more hints: you have seen all ${d.total}. Review them with --all, or compare with the reference: ${solution}`,
        ko: `더 남은 힌트가 없습니다. ${d.total}개를 모두 봤습니다. --all로 다시 보거나 모범 답안과 비교해 보세요: ${solution}`,
      });
  }
}

interface HintList {
  day: string;
  exercises: Array<{ id: string; title: Text; revealed: number; total: number }>;
}

function renderList(d: HintList): string {
  return [
    table(
      d.exercises.map((e) => [
        e.id,
        tr(e.title),
        style.dim(tr({ en: `hints ${e.revealed}/${e.total} seen`, ko: `힌트 ${e.revealed}/${e.total}개 봄` })),
      ]),
    ),
    '',
    tr({
      en: `Show the next hint of one: ${style.code(`de-lab hint ${d.day} <exercise>`)}`,
      ko: `하나의 다음 힌트 보기: ${style.code(`de-lab hint ${d.day} <문제>`)}`,
    }),
  ].join('\n');
}

/** Without an exercise: the day's exercises and how many hints of each were seen (no workspace needed). */
async function listHints(ctx: Context, day: string): Promise<number> {
  const { findLab } = await import('../../course/labs.js');
  const { loadExercises } = await import('../../course/exercises.js');
  const { emptyState, exerciseState, loadState } = await import('../../course/state.js');
  const lab = findLab(day);
  const workspace = await findOpenWorkspace(ctx);
  const state = workspace ? loadState(workspace.root) : emptyState();
  const view: HintList = {
    day: lab.id,
    exercises: loadExercises(lab).map((e) => ({
      id: e.id,
      title: e.title,
      revealed: Math.min(exerciseState(state, lab.id, e.id).hintsRevealed, e.hints.length),
      total: e.hints.length,
    })),
  };
  ctx.emit(view, renderList);
  return 0;
}

async function hint(ctx: Context, day: string, id: string | undefined, options: { all?: boolean }): Promise<number> {
  if (id === undefined) return listHints(ctx, day);
  const { findLab } = await import('../../course/labs.js');
  const { findExercise } = await import('../../course/exercises.js');
  const { exerciseState, loadState, revealHint } = await import('../../course/state.js');
  const lab = findLab(day);
  const exercise = findExercise(lab, id);
  const workspace = await openWorkspace(ctx);
  const total = exercise.hints.length;
  const before = Math.min(exerciseState(loadState(workspace.root), lab.id, exercise.id).hintsRevealed, total);
  const numbered = (count: number, from = 0) =>
    exercise.hints.slice(from, count).map((text, index) => ({ number: from + index + 1, text }));
  let view: HintView;
  if (options.all) {
    view = {
      day: lab.id,
      exercise: exercise.id,
      outcome: before === 0 ? 'none-yet' : 'listed',
      revealed: before,
      total,
      hints: numbered(before),
    };
  } else if (before >= total) {
    view = { day: lab.id, exercise: exercise.id, outcome: 'no-more', revealed: before, total, hints: [] };
  } else {
    const revealed = revealHint(workspace.root, lab.id, exercise.id, total);
    view = {
      day: lab.id,
      exercise: exercise.id,
      outcome: 'revealed',
      revealed,
      total,
      hints: numbered(revealed, revealed - 1),
    };
  }
  ctx.emit(view, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('hint <day> [id]')
    .description(
      'Show the next hint of an exercise (each is revealed once and remembered); without an id, list the exercises',
    )
    .option('--all', 'show every hint revealed so far, without revealing a new one')
    .addHelpText(
      'after',
      example(['de-lab hint day1 env-config', 'de-lab hint 4 parse-events --all', 'de-lab hint day2']),
    )
    .action(action(hint));
}
