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
    this.exitCode = options.exitCode ?? 1;
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
