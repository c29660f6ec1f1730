import { runGradingCommand } from '../run-command.js';
import type { Check } from '../schema.js';
import { argv } from '../template.js';
import { GraderFault, readVerdict, VERDICT_ENV, verdictNonce, type GraderVerdict } from '../verdict.js';
import type { CheckKind } from './types.js';

type GraderCheck = Extract<Check, { kind: 'grader' }>;

/**
 * A grader program of the day (labs/dayN/gen) decides the check and says so in a structured
 * verdict (see verdict.ts). It runs in a fresh judge container of a service's image (`judge`), where
 * no learner code runs and the graded folder is read-only, or exec'd in a service that runs no
 * learner code (`service`). A grader that gives no proper verdict is the grader's own failure:
 * the check is an `error`, not a learner's 0.
 */
export const graderKind: CheckKind<GraderCheck> = {
  needsReference: () => false,
  async observe(ctx, check): Promise<GraderVerdict> {
    const nonce = verdictNonce();
    const output = await runGradingCommand(ctx, check, argv(check.command), {
      writable: false,
      env: [`${VERDICT_ENV}=${nonce}`],
    });
    return readVerdict(output, nonce);
  },
  judge(_check, observed: GraderVerdict) {
    return { ok: observed.ok, expected: observed.expected, found: observed.found };
  },
};

export { GraderFault };
