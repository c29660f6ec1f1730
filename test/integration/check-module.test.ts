import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

/** A TypeScript check module graded end to end: the starter fails it, the reference passes it. */
describe('check kind "module"', () => {
  it('selftest of a fixture day whose only check is a TypeScript module', async () => {
    const env = isolatedEnv({ DE_LAB_LABS_DIR: join(repoRoot, 'test', 'fixtures', 'grading') });
    const result = await deLab(['selftest', 'day6', '--json'], { env });
    const parsed = JSON.parse(result.stdout) as
      | { rows?: Array<{ verdict: string; starter?: { failing: string[] } }> }
      | Array<{ verdict: string; starter?: { failing: string[] } }>;
    const rows = Array.isArray(parsed) ? parsed : (parsed.rows ?? []);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdict).toBe('ok');
    expect(rows[0]!.starter?.failing.join(' ')).toContain('duplicates [');
    expect(result.exitCode).toBe(0);
  });
});
