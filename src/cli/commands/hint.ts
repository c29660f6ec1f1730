import type { Command } from 'commander';
import { tr, type Text } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { openWorkspace } from '../course.js';

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

async function hint(ctx: Context, day: string, id: string, options: { all?: boolean }): Promise<number> {
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
    .command('hint <day> <id>')
    .description('Show the next hint of an exercise (each is revealed once and remembered)')
    .option('--all', 'show every hint revealed so far, without revealing a new one')
    .addHelpText('after', example(['de-lab hint day1 env-config', 'de-lab hint 4 parse-events --all']))
    .action(action(hint));
}
