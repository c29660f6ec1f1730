import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseTitle, GRADER_CASES, splitByHost } from '../helpers/grader-cases.js';
import { GraderContainers, runCases, wanted, type GraderCase, type Outcome } from '../helpers/graders.js';

// The grader fixture cases the host cannot run (test/unit/graders.test.ts runs the others), in the
// day's image: one `docker run --rm` container per image, gen/ and the fixtures mounted read-only,
// no network, no Compose. Each case is checked exactly once, here or in the unit suite.
const { host, elsewhere } = await splitByHost();
const containers = new GraderContainers();
let outcomes = new Map<GraderCase, Outcome>();

beforeAll(async () => {
  outcomes = await runCases(elsewhere, 'container', containers.exec);
}, 300_000);
afterAll(() => containers.close(), 60_000);

describe('grader verdicts in the day images', () => {
  // Where the host runs every case, the unit suite checks them all: nothing may be left unchecked.
  it('leaves no grader case unchecked (the host runs the rest: test/unit/graders.test.ts)', () => {
    expect(host.length + elsewhere.length).toBe(GRADER_CASES.length);
    expect(GRADER_CASES.length).toBeGreaterThan(0);
  });
  it.each(elsewhere.map((c) => [caseTitle(c), c] as const))('%s', (_, c) => {
    expect(outcomes.get(c)).toEqual(wanted(c, 'container'));
  });
});
