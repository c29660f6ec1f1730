import type { RunContext } from '../context.js';
import { canonicalJson, type Verdict } from '../compare.js';
import type { Check } from '../schema.js';

/** One check kind: observe the world, then judge the observation (against the reference's when asked). */
export interface CheckKind<C extends Check = Check> {
  observe(ctx: RunContext, check: C): Promise<unknown>;
  judge(check: C, observed: any, reference: any): Verdict;
  needsReference(check: C): boolean;
  /**
   * Whether a failing observation is final, so a retrying check stops waiting (a container that
   * exited will not become healthy; a memory limit does not change). Default: keep retrying.
   */
  settled?(check: C, observed: any): boolean;
}

/** Several verdicts into one: the first failure, or all passing. */
export function allOf(verdicts: Verdict[]): Verdict {
  const failed = verdicts.find((v) => !v.ok);
  if (failed) return failed;
  return {
    ok: true,
    expected: verdicts.map((v) => v.expected).join('; '),
    found: verdicts.map((v) => v.found).join('; '),
  };
}

export function field(
  name: string,
  expected: unknown,
  found: unknown,
): { ok: boolean; expected: string; found: string } {
  // Objects compare by content, whatever their key order; values keep their types ("3" is not 3).
  const same = found !== undefined && canonicalJson(expected) === canonicalJson(found);
  return { ok: same, expected: `${name} ${JSON.stringify(expected)}`, found: `${name} ${JSON.stringify(found)}` };
}
