import { beforeAll, describe, expect, it } from 'vitest';
import type { GradeEvent } from '../../src/grading/grade/run.js';
import type { LearnerResult } from '../../src/grading/grade/model.js';
import { duration, gradeProgress } from '../../src/cli/render/grade-progress.js';
import { configureColor } from '../../src/ui/style.js';

const plan: GradeEvent = {
  type: 'plan',
  total: 3,
  todo: 2,
  kept: 1,
  parallel: 1,
  requested: 4,
  cap: 1,
  engineMemoryBytes: 8 * 2 ** 30,
  perLearnerBytes: 2 ** 30,
};

const result = (learner: string, score: number) =>
  ({ learner, score, maxScore: 10, percent: score * 10, status: 'graded', seconds: 12.34 }) as LearnerResult;

const done = (learner: string, score: number, n: number, etaSec?: number): GradeEvent => ({
  type: 'done',
  result: result(learner, score),
  done: n,
  todo: 2,
  etaSec,
});

function record(live: boolean, quiet = false) {
  const lines: string[] = [];
  let screen = '';
  const progress = gradeProgress((text) => lines.push(text), {
    live,
    quiet,
    screen: { columns: 60, write: (text: string) => (screen += text) },
  });
  return { progress, lines, screen: () => screen };
}

describe('the grading progress draws on the writer it is given', () => {
  beforeAll(() => configureColor(false));

  it('in a log: one plain line per event, nothing drawn', () => {
    const { progress, lines, screen } = record(false);
    progress.onEvent(plan);
    progress.onEvent({ type: 'reference', exercise: 'ex01' });
    progress.onEvent({ type: 'start', learner: 'kim', slot: 0 });
    progress.onEvent(done('kim', 10, 1, 75));
    progress.onEvent({ type: 'start', learner: 'lee', slot: 0 });
    progress.onEvent(done('lee', 4, 2));
    progress.end();
    expect(lines).toEqual([
      "2 of 3 submissions to grade, 1 kept from before; 1 at a time (asked 4; the engine's 8 GiB hold 1)",
      'running the reference solution of ex01…',
      'grading kim…',
      '[1/2] ✔ kim 10/10 (100 %) graded 12.3s · ETA 1m15s',
      'grading lee…',
      '[2/2] ~ lee 4/10 (40 %) graded 12.3s',
    ]);
    expect(screen()).toBe('');
  });

  it('on a terminal: a bar redrawn in place, cut to the width, cleared at the end', () => {
    const { progress, lines, screen } = record(true);
    progress.onEvent(plan);
    progress.onEvent({ type: 'start', learner: 'kim', slot: 0 });
    expect(lines).toHaveLength(1);
    expect(screen()).toContain(`\r\u001b[2K${'░'.repeat(20)} 0/2 · kim`);
    progress.onEvent(done('kim', 10, 1, 30));
    expect(screen()).toContain(`${'█'.repeat(10)}${'░'.repeat(10)} 1/2 · ETA 30s · `);
    for (const drawn of screen().split('\r\u001b[2K')) expect(drawn.length).toBeLessThanOrEqual(59);
    progress.end();
    expect(screen().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('with --json: says and draws nothing', () => {
    const { progress, lines, screen } = record(true, true);
    progress.onEvent(plan);
    progress.onEvent(done('kim', 10, 1));
    progress.end();
    expect(lines).toEqual([]);
    expect(screen()).toBe('');
  });

  it('durations read as seconds, then minutes and seconds', () => {
    expect(duration(42.4)).toBe('42s');
    expect(duration(187)).toBe('3m07s');
  });
});
