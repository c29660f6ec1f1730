/**
 * de-lab's exit codes, the same for every command (docs/instructors.md, "Exit codes"):
 * - ok: done; for `check`, every check passed; for `grade`, every learner graded, whatever the scores.
 * - failed: it ran and something failed (a check, a learner who could not be graded), or de-lab
 *   could not do it (no engine, a stack that does not start, a refusal that needs --yes).
 * - usage: what was typed or given is wrong, and nothing ran: an option's value, an argument, a day
 *   or exercise that does not exist, a file or folder that is not what the command needs.
 * - interrupted: Ctrl-C, also at a question (a question answered no is `failed`: nothing was done).
 * `run` and `shell` exit with the code of the program they ran.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * An error the user can cause and fix. `message` says what happened in one sentence,
 * `hint` says what to do next. The CLI prints both and exits with `exitCode`.
 */
export class DeLabError extends Error {
  readonly hint?: string;
  readonly code: string;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; code?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeLabError';
    this.hint = options.hint;
    this.code = options.code ?? 'E_DELAB';
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

export function isDeLabError(error: unknown): error is DeLabError {
  return error instanceof DeLabError;
}

/** The message of anything thrown, for places that must not lose it. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
