import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finalView } from '../../src/grading/grade/final.js';
import { addOverride, readOverrides, writeOverrides, type OverridesFile } from '../../src/grading/grade/overrides.js';
import { readResults, writeReports } from '../../src/grading/grade/reports.js';
import { sampleResults } from './grade-sample.js';

const none = (): OverridesFile => ({ schema: 'de-lab/grade-overrides@1', overrides: [], replaced: [] });
const at = '2026-03-10T00:00:00.000Z';

const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('overrides', () => {
  it('records what the check was, replaces an earlier override of it and keeps the old one', () => {
    const results = sampleResults();
    const first = addOverride(results, none(), {
      learner: 'kim, "minji"',
      check: 'rows',
      points: 2,
      comment: 'half right',
      at,
    });
    expect(first.override).toMatchObject({
      exercise: 'squares',
      check: 'rows',
      against: { status: 'failed', points: 0 },
    });
    const second = addOverride(results, first.file, {
      learner: 'kim, "minji"',
      check: 'rows',
      points: 3,
      comment: 'all right',
      at,
    });
    expect(second.file.overrides.map((o) => o.points)).toEqual([3]);
    expect(second.file.replaced.map((o) => o.comment)).toEqual(['half right']);
  });

  it('refuses an unknown learner or check, points outside the weight and an empty comment, in one sentence', () => {
    const results = sampleResults();
    const add = (request: Partial<Parameters<typeof addOverride>[2]>) => () =>
      addOverride(results, none(), { learner: 'alice', check: 'rows', points: 1, comment: 'x', ...request });
    expect(thrown(add({ learner: 'bob' }))).toMatch(/^There is no learner "bob" in these results \(learners: alice, /);
    expect(thrown(add({ check: 'nope' }))).toMatch(/^There is no check "nope" \(checks: squares\/exists, /);
    expect(thrown(add({ check: 'user', exercise: 'squares' }))).toMatch(/^There is no check "user" in squares/);
    expect(thrown(add({ points: 4 }))).toBe(
      '--points must be a number from 0 to 3 (the weight of squares/rows), not 4.',
    );
    expect(thrown(add({ comment: ' ' }))).toBe('An override needs a comment that says why.');
  });

  it('applies overrides and the late penalty in the final view; results stay as graded', () => {
    const results = sampleResults();
    const kim = results.learners[1]!;
    kim.late = {
      submittedAt: at,
      from: 'archive',
      deadline: at,
      zone: 'UTC',
      lateSeconds: 60,
      daysLate: 1,
      percent: 10,
    };
    const { file } = addOverride(results, none(), {
      learner: kim.learner,
      check: 'rows',
      points: 3,
      comment: 'ok',
      at,
    });
    const view = finalView(results, file.overrides);
    const after = view.results.learners[1]!;
    expect(after).toMatchObject({ rawScore: 4, penalty: 0.4, score: 3.6, percent: 60 });
    expect(after.exercises[0]).toMatchObject({ score: 4, passed: true });
    expect(after.exercises[0]!.checks[1]!.override).toMatchObject({ points: 3, comment: 'ok', changed: false });
    expect(kim.score).toBe(1);
    expect(view.changed).toEqual([]);
  });

  it('after a regrade, keeps overrides that still apply and lists those whose check changed or went', () => {
    const results = sampleResults();
    const { file } = addOverride(results, none(), { learner: 'alice', check: 'user', points: 1, comment: 'root', at });
    const gone = { ...file.overrides[0]!, learner: 'nobody' };
    const regraded = sampleResults();
    const check = regraded.learners[0]!.exercises[1]!.checks[0]!;
    Object.assign(check, { status: 'failed', points: 0 });
    regraded.learners[0]!.exercises[1]!.score = 0;
    const view = finalView(regraded, [...file.overrides, gone]);
    expect(view.changed.map((o) => o.check)).toEqual(['user']);
    expect(view.orphaned).toEqual([gone]);
    expect(view.results.learners[0]!.exercises[1]!.score).toBe(1);
  });

  it('re-renders every report from results plus overrides.json; the learner page shows the comment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-lab-overrides-'));
    dirs.push(dir);
    const results = sampleResults();
    writeReports(results, dir);
    const { file } = addOverride(results, readOverrides(dir), {
      learner: 'alice',
      check: 'user',
      points: 1,
      comment: 'ran as <root>',
      at,
    });
    writeOverrides(dir, file);
    writeReports(readResults(dir), dir);
    expect(readFileSync(join(dir, 'learners', 'l-alice.html'), 'utf8')).toContain('ran as &lt;root&gt;');
    expect(readFileSync(join(dir, 'gradebook.csv'), 'utf8').split('\r\n')[1]).toBe('alice,4,1,5,0,1,,5,83.3,graded,');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(
      'name="override:image/user" value="1: ran as &lt;root&gt;"',
    );
    expect(readFileSync(join(dir, 'class.html'), 'utf8')).toContain('late penalty');
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).learners[0].score).toBe(6);
  });

  it('refuses an overrides file that is not one, saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'de-lab-overrides-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'overrides.json'), '{"torn');
    expect(thrown(() => readOverrides(dir))).toMatch(/overrides\.json is not an overrides file of de-lab\.$/);
    expect(thrown(() => readResults(dir))).toMatch(/holds no results\.json of de-lab grade\.$/);
  });
});

describe('terminal summary with adjustments', () => {
  it('shows raw score and late penalty columns only when something adjusts a grade', async () => {
    const { summaryTable } = await import('../../src/grading/reporters/summary.js');
    const results = sampleResults();
    expect(summaryTable(results, 200)).not.toContain('RAW');
    results.learners[0]!.late = {
      submittedAt: at,
      from: 'archive',
      deadline: at,
      zone: 'UTC',
      lateSeconds: 1,
      daysLate: 1,
      percent: 50,
    };
    const text = summaryTable(finalView(results, []).results, 200);
    expect(text).toMatch(/alice\s+4\/4\s+2\/2\s+6\s+-3\s+3\/6\s+50/);
  });
});
