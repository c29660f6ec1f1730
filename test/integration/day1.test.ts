import { describe, expect, it } from 'vitest';
import { deLab } from '../helpers/cli.js';

interface Row {
  exercise: string;
  verdict: string;
  reason?: string;
  starter?: { passed: boolean; failing: string[] };
  solution?: { passed: boolean; failing: string[] };
}

/**
 * Day 1's acceptance: in a private copy of the day's stack (MariaDB + tools, built from
 * labs/images), every starter fails at least one check and every reference solution passes all.
 */
describe('day1 selftest', () => {
  it('every starter fails and every reference passes', async () => {
    const result = await deLab(['selftest', 'day1', '--json'], { timeout: 20 * 60_000 });
    const parsed = JSON.parse(result.stdout) as { rows?: Row[] } | Row[];
    const rows = Array.isArray(parsed) ? parsed : (parsed.rows ?? []);
    const summary = rows.map((r) => `${r.exercise}: ${r.verdict}${r.reason ? ` (${r.reason})` : ''} starter=${JSON.stringify(r.starter?.failing)} solution=${JSON.stringify(r.solution?.failing)}`).join('\n');
    expect(rows.map((r) => r.exercise).sort(), summary).toEqual(
      ['compose-healthcheck', 'dockerfile-data-tool', 'env-config', 'memory-limit-oom', 'named-volume-persistence', 'service-discovery'],
    );
    for (const row of rows) {
      expect(row.verdict, summary).toBe('ok');
      expect(row.starter?.passed, summary).toBe(false);
      expect(row.solution?.passed, summary).toBe(true);
    }
    expect(result.exitCode, summary).toBe(0);
  });
});
