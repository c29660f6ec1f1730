/**
 * A unified diff of two texts (`diff -u` format), for `de-lab solution`. Exercise files are small,
 * so a longest-common-subsequence table over the lines that differ is enough; a dependency would
 * add nothing a learner sees.
 */

type Op = { type: ' ' | '-' | '+'; line: string };

/** Lines that keep their newline, so "x" and "x\n" differ as they do in a file. */
function lines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out.length === 1 && out[0] === '' ? [] : out;
}

/** Above this many table cells the middle is shown as removed then added, which is still a correct diff. */
const MAX_CELLS = 4_000_000;

function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((line) => ({ type: ' ', line }));
  const tail: Op[] = a.slice(endA).map((line) => ({ type: ' ', line }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const middle: Op[] = [];
  if (x.length * y.length > MAX_CELLS) {
    middle.push(...x.map((line) => ({ type: '-' as const, line })), ...y.map((line) => ({ type: '+' as const, line })));
  } else {
    // lcs[i][j] = length of the LCS of x[i..] and y[j..], in one flat array.
    const width = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * width);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i * width + j] =
          x[i] === y[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ type: ' ', line: x[i++]! });
        j++;
      } else if (i < x.length && (j === y.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        middle.push({ type: '-', line: x[i++]! });
      } else {
        middle.push({ type: '+', line: y[j++]! });
      }
    }
  }
  return [...head, ...middle, ...tail];
}

function render(op: Op): string[] {
  const text = op.line.endsWith('\n') ? op.line.slice(0, -1) : op.line;
  return op.line.endsWith('\n') ? [op.type + text] : [op.type + text, '\\ No newline at end of file'];
}

function range(start: number, count: number): string {
  // diff -u numbers an empty range by the line before it.
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** The unified diff turning `before` into `after`; empty when they are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { before: string; after: string },
  context = 3,
): string {
  if (before === after) return '';
  const ops = editScript(lines(before), lines(after));
  const changed = ops.map((op, index) => (op.type === ' ' ? -1 : index)).filter((index) => index >= 0);
  // Group changes whose surrounding context would touch or overlap into one hunk.
  const groups: Array<[number, number]> = [];
  for (const index of changed) {
    const last = groups[groups.length - 1];
    if (last && index - last[1] <= 2 * context + 1) last[1] = index;
    else groups.push([index, index]);
  }
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  // Line numbers at each op index.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops) {
    oldAt.push(oldLine);
    newAt.push(newLine);
    if (op.type !== '+') oldLine++;
    if (op.type !== '-') newLine++;
  }
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((op) => op.type !== '+').length;
    const newCount = slice.filter((op) => op.type !== '-').length;
    out.push(`@@ -${range(oldAt[from]!, oldCount)} +${range(newAt[from]!, newCount)} @@`);
    for (const op of slice) out.push(...render(op));
  }
  return out.join('\n') + '\n';
}
