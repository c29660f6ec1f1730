import chalk from 'chalk';
import stringWidth from 'string-width';

/** Colour off for --no-color, NO_COLOR (any non-empty value) and output that is not a terminal. */
export function configureColor(flag: boolean, env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): void {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  if (!flag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || (!stream.isTTY && !forced)) chalk.level = 0;
}

export const style = {
  ok: (text: string) => chalk.green(text),
  warn: (text: string) => chalk.yellow(text),
  fail: (text: string) => chalk.red(text),
  dim: (text: string) => chalk.dim(text),
  bold: (text: string) => chalk.bold(text),
  code: (text: string) => chalk.cyan(text),
};

export const marks = { ok: '✔', warn: '!', fail: '✖', info: '·', skip: '-' } as const;

/**
 * Pads cells into aligned columns. Widths are display widths (string-width): colour codes count
 * 0 and Hangul or other wide characters 2 columns, so Korean tables line up in a terminal.
 */
export function table(rows: string[][], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell))));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - stringWidth(cell) + gap))).join('').trimEnd())
    .join('\n');
}
