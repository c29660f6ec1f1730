import { expect } from 'vitest';
import type { CliResult } from './cli.js';

/** One exercise's row of `de-lab selftest --json`. */
export interface SelftestRow {
  exercise: string;
  verdict: string;
  reason?: string;
  starter?: { passed: boolean; failing: string[] };
  solution?: { passed: boolean; failing: string[] };
  seconds?: number;
}

/**
 * The day's selftest, read from its JSON: every exercise listed in order, every starter fails,
 * every reference solution passes, and the command says so (ok, exit code 0). `starterFailsACheck`
 * also wants each starter to name at least one failing check. Returns the rows for the day's own
 * assertions.
 */
export function expectSelftestOk(
  result: CliResult,
  exercises: string[],
  options: { starterFailsACheck?: boolean } = {},
): SelftestRow[] {
  const data = JSON.parse(result.stdout) as { rows: SelftestRow[]; ok: boolean };
  expect(data.rows.map((row) => row.exercise)).toEqual(exercises);
  for (const row of data.rows) {
    expect(row.verdict, `${row.exercise}: ${row.reason ?? ''}`).toBe('ok');
    expect(row.starter?.passed, `${row.exercise} starter`).toBe(false);
    if (options.starterFailsACheck) expect(row.starter?.failing.length, `${row.exercise} starter`).toBeGreaterThan(0);
    expect(row.solution?.passed, `${row.exercise} solution: ${row.solution?.failing.join('; ')}`).toBe(true);
  }
  expect(data.ok).toBe(true);
  expect(result.exitCode, result.stderr).toBe(0);
  return data.rows;
}
