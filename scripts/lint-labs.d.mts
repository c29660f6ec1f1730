/** Types for the tests, which call lint-labs.mjs in-process. */
export interface Finding {
  file: string;
  row: number;
  column: number;
  code: string;
  message: string;
}

export function lintLabs(
  root: string,
  options?: { write?: boolean },
): { files: number; findings: Finding[]; formatted: number };
