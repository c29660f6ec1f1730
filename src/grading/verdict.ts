import { randomBytes } from 'node:crypto';
import { lastLine } from '../core/text.js';

/**
 * The structured verdict of a `grader` check. The grader prints exactly one line
 *
 *   DE-LAB-VERDICT <nonce> {"ok": true|false, "expected": "…", "found": "…"}
 *
 * with the nonce it was given in DE_LAB_VERDICT_NONCE, and exits 0. The nonce is made per run and
 * handed only to the grader's own process (in a judge container no learner code runs in), so a
 * learner's output echoed by the grader, or written into its stdout, cannot stand for a verdict:
 * lines that do not carry the nonce are ignored, never read as one. No regular expression over
 * mixed output decides anything.
 */
export const VERDICT_MARK = 'DE-LAB-VERDICT';
export const VERDICT_ENV = 'DE_LAB_VERDICT_NONCE';

export function verdictNonce(): string {
  return randomBytes(16).toString('hex');
}

export interface GraderVerdict {
  ok: boolean;
  expected: string;
  found: string;
}

/** The grader failed on its own (no verdict, two verdicts, bad JSON, a crash): an `error`, never a learner's 0. */
export class GraderFault extends Error {}

const MAX_TEXT = 300;

/**
 * A reference to compare with must hold something: equal to nothing, an empty output would pass.
 * The reference made nothing for this seed: the grader's fault (its course data), not the learner's.
 */
export function nonEmptyReference<T>(items: T[], what: string): T[] {
  if (items.length === 0)
    throw new GraderFault(
      `the reference solution produced no ${what} for this seed, so there is nothing to compare with (a check against nothing would pass on nothing)`,
    );
  return items;
}

/** Learner-controlled text made safe to show: control characters escaped (no new lines, no terminal codes), cut. */
export function displayText(value: unknown, max = MAX_TEXT): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** The one verdict in a grader's output, or a GraderFault that says what was wrong with it. */
export function readVerdict(
  output: { exitCode: number; stdout: string; stderr: string; timedOut: boolean },
  nonce: string,
): GraderVerdict {
  const lastWords = () => displayText(lastLine(output.stderr) ?? lastLine(output.stdout) ?? 'no output', 200);
  if (output.timedOut) throw new GraderFault(`the grader did not finish in time (its last output: ${lastWords()})`);
  const mark = `${VERDICT_MARK} ${nonce} `;
  const lines = output.stdout.split('\n').filter((line) => line.startsWith(mark));
  if (output.exitCode !== 0)
    throw new GraderFault(`the grader exited with code ${output.exitCode} (its last output: ${lastWords()})`);
  if (lines.length === 0) throw new GraderFault(`the grader gave no verdict (its last output: ${lastWords()})`);
  if (lines.length > 1) throw new GraderFault(`the grader gave ${lines.length} verdicts instead of one`);
  let data: unknown;
  try {
    data = JSON.parse(lines[0]!.slice(mark.length));
  } catch {
    throw new GraderFault('the grader gave a verdict that is not JSON');
  }
  const verdict = data as { ok?: unknown; expected?: unknown; found?: unknown };
  if (typeof data !== 'object' || data === null || typeof verdict.ok !== 'boolean')
    throw new GraderFault('the grader gave a verdict without "ok": true or false');
  return { ok: verdict.ok, expected: displayText(verdict.expected), found: displayText(verdict.found) };
}
