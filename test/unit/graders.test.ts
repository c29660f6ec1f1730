import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseTitle, splitByHost } from '../helpers/grader-cases.js';
import { onHost, runCases, wanted, type Outcome } from '../helpers/graders.js';
import type { GraderCase } from '../helpers/graders.js';

// The graders of labs/day2..5/gen on their fixtures (test/fixtures/graders), on this machine's own
// python3/ruby/node when it has what a grader needs. The other cases run in the day's image in
// test/integration/graders.test.ts; here they are skipped, each with that reason.
const { host, elsewhere } = await splitByHost();
let outcomes = new Map<GraderCase, Outcome>();

beforeAll(async () => {
  outcomes = await runCases(host, 'host', onHost);
}, 60_000);
afterAll(() => outcomes.clear());

describe('grader verdicts on the host', () => {
  it.each(host.map((c) => [caseTitle(c), c] as const))('%s', (_, c) => {
    expect(outcomes.get(c)).toEqual(wanted(c, 'host'));
  });
  // Not on this host: its grader's language or libraries are missing; the integration suite runs it
  // in the day's image (docker run, no Compose).
  it.skip.each(elsewhere.map((c) => [caseTitle(c)] as const))(
    '%s (no runtime here: test/integration/graders.test.ts)',
    () => {},
  );
});
