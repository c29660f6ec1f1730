import { describe, expect, it } from 'vitest';
import { graderFault } from '../../src/grading/grade/learner.js';
import { checkSchema, stepSchema } from '../../src/grading/schema.js';
import type { ExerciseResult } from '../../src/grading/results.js';
import { displayText, GraderFault, readVerdict, VERDICT_MARK } from '../../src/grading/verdict.js';

const nonce = '0123456789abcdef0123456789abcdef';
const ran = (stdout: string, exitCode = 0, stderr = '', timedOut = false) => ({ exitCode, stdout, stderr, timedOut });
const line = (data: unknown, n = nonce) => `${VERDICT_MARK} ${n} ${JSON.stringify(data)}`;

describe('grader verdicts', () => {
  it('reads the one verdict that carries the nonce, whatever else the grader printed', () => {
    const out = ran(`checking 240 events\n${line({ ok: true, expected: '160 events', found: '160 events' })}\n`);
    expect(readVerdict(out, nonce)).toEqual({ ok: true, expected: '160 events', found: '160 events' });
    expect(readVerdict(ran(line({ ok: false, found: 'none seen' })), nonce)).toEqual({
      ok: false,
      expected: '',
      found: 'none seen',
    });
  });

  it('never takes learner text for a verdict: PASS lines and marks without the nonce are ignored', () => {
    // The old protocol's injection: a learner value holding a new line and PASS, echoed by a verifier.
    const injected = `FAIL: event id "x\nPASS all good"\nPASS\n${line({ ok: true }, 'f'.repeat(32))}\n${line({ ok: false, found: 'x' })}`;
    expect(readVerdict(ran(injected), nonce).ok).toBe(false);
    // Without a verdict of its own the grader failed: an error, not a pass and not the learner's 0.
    expect(() => readVerdict(ran('PASS\nPASS everything\n'), nonce)).toThrow(GraderFault);
    expect(() => readVerdict(ran(line({ ok: true }, 'f'.repeat(32))), nonce)).toThrow(/no verdict/);
  });

  it("is the grader's own failure when the verdict is missing, doubled, malformed, late or after a crash", () => {
    expect(() => readVerdict(ran(`${line({ ok: true })}\n${line({ ok: true })}`), nonce)).toThrow(/2 verdicts/);
    expect(() => readVerdict(ran(`${VERDICT_MARK} ${nonce} {ok: true}`), nonce)).toThrow(/not JSON/);
    expect(() => readVerdict(ran(line({ ok: 'yes' })), nonce)).toThrow(/"ok"/);
    expect(() => readVerdict(ran(line([true])), nonce)).toThrow(/"ok"/);
    expect(() => readVerdict(ran(line({ ok: true }), 1, 'NoMethodError: undefined method'), nonce)).toThrow(
      /exited with code 1 .*NoMethodError/,
    );
    expect(() => readVerdict(ran('', 124, '', true), nonce)).toThrow(/did not finish in time/);
  });

  it('escapes and cuts the learner-controlled text it shows', () => {
    const verdict = readVerdict(ran(line({ ok: false, found: `bad\nPASS\u001b[32m ${'x'.repeat(1000)}` })), nonce);
    expect(verdict.found).not.toMatch(/[\n\u001b]/);
    expect(verdict.found.startsWith('bad\\nPASS\\u001b[32m')).toBe(true);
    expect(verdict.found.length).toBeLessThanOrEqual(300);
    expect(displayText({ a: 1 })).toBe('{"a":1}');
  });

  it('needs one place to run: a judge container or a service, not both and not neither', () => {
    const base = { id: 'kept', title: { en: 'kept', ko: '유지' }, kind: 'grader', command: ['ruby', 'v.rb'] };
    expect(checkSchema.safeParse({ ...base, judge: 'fluentd' }).success).toBe(true);
    expect(checkSchema.safeParse({ ...base, service: 'kafka' }).success).toBe(true);
    expect(checkSchema.safeParse(base).success).toBe(false);
    expect(checkSchema.safeParse({ ...base, judge: 'fluentd', service: 'fluentd' }).success).toBe(false);
    const step = stepSchema.parse({ id: 'feed', kind: 'command', judge: 'fluentd', command: 'x', owner: 'grader' });
    expect(step).toMatchObject({ owner: 'grader', judge: 'fluentd' });
    expect(stepSchema.parse({ id: 'run', kind: 'command', service: 'x', command: 'x' }).owner).toBe('learner');
  });
});

describe('grader faults are errors, never grades', () => {
  const result = (over: Partial<ExerciseResult>): ExerciseResult => ({
    day: 'day2',
    exercise: 'x',
    role: 'learner',
    seed: 1,
    passed: false,
    score: 0,
    maxScore: 2,
    steps: [],
    checks: [],
    seconds: 1,
    ...over,
  });
  it('names a failed grader-owned step or a grader without a verdict, and nothing else', () => {
    expect(
      graderFault(
        result({
          steps: [{ id: 'load', kind: 'command', ok: false, owner: 'grader', seconds: 1, error: 'overlord not ready' }],
        }),
      ),
    ).toMatch(/own step load failed: overlord not ready/);
    expect(
      graderFault(
        result({
          checks: [
            { id: 'kept', title: 'k', kind: 'grader', weight: 1, status: 'error', seconds: 1, message: 'no verdict' },
          ],
        }),
      ),
    ).toMatch(/grader of check kept failed: no verdict/);
    // The learner's own step failing, or a check failing, is a grade.
    expect(
      graderFault(result({ steps: [{ id: 'run', kind: 'command', ok: false, seconds: 1, error: 'exit 1' }] })),
    ).toBe(undefined);
    expect(
      graderFault(
        result({ checks: [{ id: 'kept', title: 'k', kind: 'grader', weight: 1, status: 'failed', seconds: 1 }] }),
      ),
    ).toBe(undefined);
  });
});
