import type { ChalkInstance } from 'chalk';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
/**
 * Whether to colour: set by configureColor, chalk's own detection until then. chalk itself (10 ms
 * of a 130 ms `de-lab list`) is loaded only when colour may be wanted.
 */
let colour: boolean | undefined;
let chalk: ChalkInstance | undefined;

/** Colour off for --no-color, NO_COLOR (any non-empty value) and output that is not a terminal. */
export function configureColor(
  flag: boolean,
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): void {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  colour = !(!flag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || (!stream.isTTY && !forced));
}

type Paint = 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan';
function paint(name: Paint): (text: string) => string {
  return (text) => {
    if (colour === false) return text;
    // require of an ES module (Node ≥ 20.19), so that the functions stay synchronous.
    chalk ??= (load('chalk') as { default: ChalkInstance }).default;
    return chalk[name](text);
  };
}

export const style = {
  ok: paint('green'),
  warn: paint('yellow'),
  fail: paint('red'),
  dim: paint('dim'),
  bold: paint('bold'),
  code: paint('cyan'),
};

export const marks = { ok: '✔', warn: '!', fail: '✖', info: '·', skip: '-' } as const;

let wideWidth: ((text: string) => number) | undefined;

/**
 * Columns a text takes in a terminal. Narrow text is its length without colour codes; anything
 * else is measured by string-width (Hangul and other wide characters count 2), which is loaded
 * only then (require of an ES module, Node ≥ 20.19), so English output does not pay for it.
 */
export function displayWidth(text: string): number {
  // Latin, punctuation, arrows, box drawing and de-lab's marks (✔ ✖): one column per code unit.
  if (/^[\x00-\u02ff\u2010-\u2027\u2190-\u21ff\u2500-\u259f\u2713-\u2718]*$/.test(text))
    return text.replace(/\u001b\[[0-9;]*m/g, '').replace(/[\x00-\x1f\x7f]/g, '').length;
  wideWidth ??= (load('string-width') as { default: (text: string) => number }).default;
  return wideWidth(text);
}

/**
 * Pads cells into aligned columns. Widths are display widths (string-width): colour codes count
 * 0 and Hangul or other wide characters 2 columns, so Korean tables line up in a terminal.
 */
export function table(rows: string[][], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - displayWidth(cell) + gap),
        )
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
