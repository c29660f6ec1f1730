import { josa } from '../../i18n/josa.js';
import type { Command } from 'commander';
import { lang, tr, type Text } from '../../i18n/lang.js';
import { renderMarkdown } from '../../ui/markdown.js';
import { style, table } from '../../ui/style.js';
import type { ExerciseStatus } from '../../course/state.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { findOpenWorkspace, openWorkspace, statusMark } from '../course.js';

interface ExerciseView {
  day: string;
  id: string;
  title: Text;
  summary: Text;
  lang: string;
  status: ExerciseStatus;
  instructions: string;
  files: string[];
  /** Starter files the workspace lacked and that were added now. */
  added: string[];
  check: string;
  run: string | null;
  hints: { revealed: number; total: number; command: string };
  /** Exercises to do first that have not passed yet. */
  pendingDependencies: string[];
  /** False when there is no workspace yet: the text is shown, and `de-lab init` makes the files. */
  workspace: boolean;
}

/** Instructions write paths as <workspace>/dayN/…; the learner sees their own folder instead. */
export function fillWorkspace(instructions: string, root: string): string {
  return instructions.replaceAll('<workspace>', root);
}

function render(d: ExerciseView): string {
  const lines = [
    `${statusMark(d.status)} ${style.bold(tr(d.title))} ${style.dim(`(${d.day}/${d.id})`)}`,
    style.dim(tr(d.summary)),
    '',
  ];
  if (d.pendingDependencies.length > 0) {
    lines.push(
      style.warn(
        tr({
          en: `Do ${d.pendingDependencies.join(', ')} first: this exercise builds on it.`,
          ko: `먼저 ${josa(d.pendingDependencies.join(', '), '을/를')} 하세요. 이 문제는 그 결과를 이어서 씁니다.`,
        }),
      ),
      '',
    );
  }
  lines.push(renderMarkdown(d.instructions), '', style.bold(tr({ en: 'Files to edit', ko: '고칠 파일' })));
  lines.push(...d.files.map((file) => `  ${file}`));
  if (d.added.length > 0)
    lines.push(
      style.dim(
        tr({
          en: `  (added missing starter files: ${d.added.join(', ')})`,
          ko: `  (빠진 시작 파일을 더했습니다: ${d.added.join(', ')})`,
        }),
      ),
    );
  lines.push('');
  const commands = [[`${tr({ en: 'Check', ko: '채점' })}:`, style.code(d.check)]];
  if (d.run) commands.push([`${tr({ en: 'Run', ko: '실행' })}:`, style.code(d.run)]);
  commands.push([
    `${tr({ en: 'Hint', ko: '힌트' })}:`,
    `${style.code(d.hints.command)} ${style.dim(tr({ en: `(${d.hints.revealed}/${d.hints.total} seen)`, ko: `(${d.hints.revealed}/${d.hints.total}개 봄)` }))}`,
  ]);
  lines.push(table(commands));
  if (!d.workspace)
    lines.push(
      '',
      style.dim(
        tr({
          en: `No workspace yet: \`de-lab init\` makes your copy of these files (then \`de-lab start ${d.day}\`).`,
          ko: `아직 작업 공간이 없습니다. \`de-lab init\`이 이 파일들의 사본을 만듭니다(그다음 \`de-lab start ${d.day}\`).`,
        }),
      ),
    );
  return lines.join('\n');
}

async function showExercise(ctx: Context, day: string, id: string | undefined): Promise<number> {
  const { join } = await import('node:path');
  const { findLab } = await import('../../course/labs.js');
  const { findExercise, loadExercises, readInstructions } = await import('../../course/exercises.js');
  const { addMissingStarters, exerciseDir } = await import('../../course/workspace.js');
  const { emptyState, exerciseState, loadState, statusOf } = await import('../../course/state.js');
  const { nextExercise } = await import('../../course/progress.js');
  const lab = findLab(day);
  // With an id, the text needs no workspace (a learner reading ahead, an instructor); the next exercise does.
  const workspace = id ? await findOpenWorkspace(ctx) : await openWorkspace(ctx);
  const state = workspace ? loadState(workspace.root) : emptyState();
  const exercises = loadExercises(lab);
  const exercise = id ? findExercise(lab, id) : nextExercise(exercises, state);
  if (!exercise) {
    const done = { day: lab.id, exercise: null, allDone: exercises.length > 0 };
    ctx.emit(done, (d) =>
      d.allDone
        ? tr({
            en: `You have passed every exercise of ${lab.id}. Well done! See them with \`de-lab list\`.`,
            ko: `${lab.id}의 문제를 모두 통과했습니다. 수고했어요! 목록은 \`de-lab list\`로 보세요.`,
          })
        : tr({ en: `${lab.id} has no exercises.`, ko: `${lab.id}에는 문제가 없습니다.` }),
    );
    return 0;
  }
  const added = workspace ? addMissingStarters(workspace.root, exercise) : [];
  const entry = exerciseState(state, lab.id, exercise.id);
  const pending = exercise.dependsOn.filter((dep) => statusOf(exerciseState(state, lab.id, dep)) !== 'passed');
  const view: ExerciseView = {
    day: lab.id,
    id: exercise.id,
    title: exercise.title,
    summary: exercise.summary,
    lang: lang(),
    status: statusOf(entry),
    instructions: workspace
      ? fillWorkspace(readInstructions(exercise, lang()), workspace.root)
      : readInstructions(exercise, lang()),
    files: exercise.files.map((file) =>
      workspace ? join(exerciseDir(workspace.root, exercise), file) : `${lab.id}/${exercise.id}/${file}`,
    ),
    added,
    check: `de-lab check ${lab.id} ${exercise.id}`,
    run: exercise.run ? `de-lab run ${lab.id} ${exercise.id}` : null,
    hints: {
      revealed: Math.min(entry.hintsRevealed, exercise.hints.length),
      total: exercise.hints.length,
      command: `de-lab hint ${lab.id} ${exercise.id}`,
    },
    pendingDependencies: pending,
    workspace: workspace !== undefined,
  };
  ctx.emit(view, render);
  return 0;
}

export function register(program: Command): void {
  program
    .command('exercise <day> [id]')
    .description(
      'Show an exercise: its instructions, the files to edit and how to check them (without an id: your next unfinished one)',
    )
    .addHelpText(
      'after',
      example(['de-lab exercise day1', 'de-lab exercise 4 windowed-counts', 'de-lab exercise day1 --lang ko']),
    )
    .action(action(showExercise));
}
