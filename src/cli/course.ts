import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { marks, style } from '../ui/style.js';
import { confirmOrRefuse } from './confirm.js';
import type { Context } from './context.js';
import type { Workspace } from '../course/workspace.js';
import type { ExerciseStatus } from '../course/state.js';

/** The workspace around the current folder, else the configured one; an error says to run init. */
export async function openWorkspace(ctx: Context): Promise<Workspace> {
  const { requireWorkspace } = await import('../course/workspace.js');
  return requireWorkspace(process.cwd(), ctx.config.values.workspace);
}

/** The workspace if there is one (from here, or the configured one); commands that only show text work without. */
export async function findOpenWorkspace(ctx: Context): Promise<Workspace | undefined> {
  const { findWorkspace } = await import('../course/workspace.js');
  return findWorkspace(process.cwd(), ctx.config.values.workspace);
}

/**
 * Asks before replacing learner files, after showing `preview`. --yes answers for the learner;
 * without a terminal and without --yes it refuses, because a script must not overwrite work by accident.
 */
export async function confirmReplace(ctx: Context, yes: boolean, question: string, preview?: string): Promise<void> {
  if (!yes && !ctx.interactive) {
    throw new DeLabError(
      tr({
        en: 'This replaces your files, so it needs a confirmation, and there is no terminal to ask on.',
        ko: '파일을 바꾸는 작업이라 확인이 필요한데, 물어볼 터미널이 없습니다.',
      }),
      {
        hint: tr({
          en: 'Pass --yes to go ahead (changed files are backed up first).',
          ko: '진행하려면 --yes를 주세요(바뀐 파일은 먼저 백업합니다).',
        }),
        code: 'E_NEEDS_YES',
        exitCode: EXIT.usage,
      },
    );
  }
  if (!yes && preview) ctx.out(preview);
  if (!(await confirmOrRefuse(ctx, yes, question, false))) {
    throw new DeLabError(tr({ en: 'Nothing was changed.', ko: '아무것도 바꾸지 않았습니다.' }), {
      hint: tr({ en: 'Answer yes at the prompt, or pass --yes.', ko: '질문에 yes로 답하거나 --yes를 주세요.' }),
      code: 'E_CANCELLED',
      exitCode: EXIT.failed,
    });
  }
}

/** ✔ passed, ✖ failed, · not tried. */
export function statusMark(status: ExerciseStatus): string {
  return status === 'passed'
    ? style.ok(marks.ok)
    : status === 'failed'
      ? style.fail(marks.fail)
      : style.dim(marks.info);
}

/** Colours a unified diff: additions green, removals red, hunk headers cyan. */
export function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('+++') || line.startsWith('---')
        ? style.bold(line)
        : line.startsWith('+')
          ? style.ok(line)
          : line.startsWith('-')
            ? style.fail(line)
            : line.startsWith('@@')
              ? style.code(line)
              : line,
    )
    .join('\n');
}
