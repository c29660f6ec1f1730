import type { CheckResult, StepResult } from './results.js';

// Graders and the learner's own programs print paths as they see them: the scratch copy inside a
// container (/home/spark/work/day3/.grading/partitions-learner-4242-ab12/partitions.py) or on the
// host. A learner knows the file as day3/partitions/partitions.py: every message of a run says that.

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces each of `from` (absolute folders: the scratch copy in a container, on the host) with
 * `to` wherever it stands as a whole path segment: `from` itself, or `from/` followed by more.
 * A longer folder name that merely starts with `from` (…-learner-42 vs …-learner-421) is left alone.
 */
export function pathMapper(from: string[], to: string): (text: string) => string {
  const folders = [...new Set(from.map((f) => f.replace(/\/+$/, '')).filter((f) => f.length > 1))].sort(
    (a, b) => b.length - a.length,
  );
  if (folders.length === 0) return (text) => text;
  const pattern = new RegExp(`(?:${folders.map(escape).join('|')})(?![\\w.-])`, 'g');
  return (text) => text.replace(pattern, to);
}

/** A step's result with its texts in the learner's own paths. */
export function mapStep(step: StepResult, map: (text: string) => string): StepResult {
  return {
    ...step,
    ...(step.error !== undefined ? { error: map(step.error) } : {}),
    ...(step.output !== undefined ? { output: map(step.output) } : {}),
  };
}

/** A check's result with its texts in the learner's own paths. */
export function mapCheck(check: CheckResult, map: (text: string) => string): CheckResult {
  return {
    ...check,
    ...(check.expected !== undefined ? { expected: map(check.expected) } : {}),
    ...(check.found !== undefined ? { found: map(check.found) } : {}),
    ...(check.message !== undefined ? { message: map(check.message) } : {}),
  };
}
