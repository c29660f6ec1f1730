import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubWorkflow } from '../../src/grading/grade/ci-workflow.js';
import { mergeShards } from '../../src/grading/grade/merge.js';
import { computeStats, type GradeResults } from '../../src/grading/grade/model.js';
import { parseShard, shardOf } from '../../src/grading/grade/shard.js';
import type { Submission } from '../../src/grading/grade/submissions.js';
import { catalogue, sampleResults } from './grade-sample.js';

const subs = (names: string[]): Submission[] =>
  names.map((learner) => ({ learner, role: `l-${learner}`, file: learner, path: `/s/${learner}`, format: 'folder' }));

const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('--shard K/N', () => {
  it('takes K/N with 1 ≤ K ≤ N and refuses anything else in one sentence', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1', {})).toEqual({ index: 1, count: 1 });
    expect(message(() => parseShard('3/2', {}))).toBe('Shard 3/2 does not exist: K must be from 1 to 2.');
    expect(message(() => parseShard('0/2', {}))).toBe('Shard 0/2 does not exist: K must be from 1 to 2.');
    expect(message(() => parseShard('1/0', {}))).toMatch(/^Shard 1\/0 has no valid count/);
    expect(message(() => parseShard('half', {}))).toBe('--shard takes K/N or auto, not "half".');
  });

  it('auto reads GitLab, Slurm and Kubernetes job variables', () => {
    expect(parseShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '5' })).toEqual({ index: 2, count: 5 });
    const slurm = { SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(parseShard('auto', { ...slurm, SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 3, count: 4 });
    const zero = { SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(parseShard('auto', { ...zero, SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 1, count: 4 });
    const stepped = { SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '7', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(message(() => parseShard('auto', { ...stepped, SLURM_ARRAY_TASK_ID: '3' }))).toMatch(/steps or gaps/);
    expect(parseShard('auto/3', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 3 });
    expect(message(() => parseShard('auto/3', { JOB_COMPLETION_INDEX: '3' }))).toMatch(/does not exist/);
    expect(message(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0' }))).toMatch(/does not tell its pods/);
    expect(message(() => parseShard('auto', {}))).toMatch(/^--shard auto found no job index/);
  });
});

describe('shardOf', () => {
  const names = Array.from({ length: 23 }, (_, i) => `learner-${String(i).padStart(2, '0')}`);

  it('splits a class into disjoint shards that cover it and differ by at most one learner', () => {
    for (const count of [1, 2, 3, 5, 23, 30]) {
      const parts = Array.from({ length: count }, (_, i) => shardOf(subs(names), { index: i + 1, count }).part);
      const all = parts.flatMap((p) => p.map((s) => s.learner));
      expect(all.slice().sort()).toEqual(names);
      expect(new Set(all).size).toBe(names.length);
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('does not depend on the order the learners come in', () => {
    const shuffled = [...names].reverse();
    shuffled.push(shuffled.splice(5, 1)[0]!);
    for (const index of [1, 2, 3]) {
      const a = shardOf(subs(names), { index, count: 3 });
      const b = shardOf(subs(shuffled), { index, count: 3 });
      expect(b.part.map((s) => s.learner)).toEqual(a.part.map((s) => s.learner));
      expect(b.info).toEqual(a.info);
    }
  });
});

describe('grade merge', () => {
  const work = mkdtempSync(join(tmpdir(), 'de-lab-merge-unit-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  let n = 0;

  /** The sample class graded as `count` shards, each written where `grade --shard` would put it. */
  function shards(count: number, tweak: (r: GradeResults, index: number) => void = () => {}): string[] {
    const whole = sampleResults();
    const dirs: string[] = [];
    n += 1;
    for (let index = 1; index <= count; index++) {
      const { part, info } = shardOf(subs(whole.learners.map((l) => l.learner)), { index, count });
      const learners = whole.learners.filter((l) => part.some((s) => s.learner === l.learner));
      const results: GradeResults = { ...whole, learners, stats: computeStats(catalogue, learners), shard: info };
      tweak(results, index);
      const dir = join(work, `run-${n}`, `shard-${index}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
      dirs.push(dir);
    }
    return dirs;
  }
  const out = () => join(work, `merged-${++n}`);

  it('puts the shards back together as the single run: same learners, order and stats', () => {
    const whole = sampleResults();
    const target = out();
    const merged = mergeShards(shards(2), target);
    const sorted = [...whole.learners].sort((a, b) => (a.learner < b.learner ? -1 : a.learner > b.learner ? 1 : 0));
    expect(merged.results.learners).toEqual(sorted);
    expect(merged.results.stats).toEqual(whole.stats);
    expect(merged.missingShards).toEqual([]);
    expect(merged.results.merged!.from.map((f) => f.shard)).toEqual(['1/2', '2/2']);
    const written = JSON.parse(readFileSync(join(target, 'results.json'), 'utf8')) as GradeResults;
    expect(written.learners.map((l) => l.learner)).toEqual(sorted.map((l) => l.learner));
    expect(readFileSync(join(target, 'gradebook.csv'), 'utf8')).toContain('alice');
    expect(readFileSync(join(target, 'junit.xml'), 'utf8')).toContain('<testsuites');
    expect(merged.files.learnerHtml).toHaveLength(whole.learners.length);
  });

  it('names a missing shard and the learners an interrupted shard left without a result', () => {
    const dirs = shards(3, (r, index) => {
      if (index === 2) r.learners = r.learners.slice(1);
    });
    const merged = mergeShards([dirs[0]!, dirs[1]!], out());
    expect(merged.missingShards).toEqual(['3/3']);
    expect(merged.ungraded).toHaveLength(1);
  });

  it('refuses shards of different seeds, versions, splits or with a learner twice, one sentence each', () => {
    const seeds = shards(2, (r, i) => (r.seed = i === 1 ? 1 : 2));
    expect(message(() => mergeShards(seeds, out()))).toMatch(/were graded with different seeds\.$/);
    const versions = shards(2, (r, i) => (r.deLab = i === 1 ? '0.1.0' : '0.2.0'));
    expect(message(() => mergeShards(versions, out()))).toMatch(/were graded by different course versions/);
    const weights = shards(2, (r, i) => {
      if (i === 2) r.exercises = r.exercises.map((e) => ({ ...e, maxScore: e.maxScore + 1 }));
    });
    expect(message(() => mergeShards(weights, out()))).toMatch(/different course versions/);
    const [a] = shards(2);
    const [b] = shards(3);
    expect(message(() => mergeShards([a!, b!], out()))).toMatch(/are shards of different splits/);
    const [c, d] = shards(2, (r, i) => {
      if (i === 2) r.learners = [...r.learners, sampleResults().learners.find((l) => l.learner === 'alice')!];
    });
    expect(message(() => mergeShards([c!, d!], out()))).toMatch(/^Learner alice is in both /);
    expect(message(() => mergeShards([c!, c!], out()))).toMatch(/are both shard 1\/2\.$/);
  });

  it('refuses a folder that is not a shard and never writes over a grading run', () => {
    const dirs = shards(2);
    const whole = join(work, 'whole');
    mkdirSync(whole);
    writeFileSync(join(whole, 'results.json'), JSON.stringify(sampleResults()));
    expect(message(() => mergeShards([whole], out()))).toMatch(/holds a whole run, not a shard/);
    expect(message(() => mergeShards([join(work, 'nothing')], out()))).toMatch(/holds no results\.json/);
    expect(message(() => mergeShards(dirs, whole))).toMatch(/already holds the results of a grading run/);
    expect(message(() => mergeShards(dirs, dirs[0]!))).toMatch(/is one of the shards being merged/);
    const again = out();
    mergeShards(dirs, again);
    expect(() => mergeShards(dirs, again)).not.toThrow();
  });
});

describe('--ci-workflow github', () => {
  it('prints a workflow that grades every shard and merges after all of them', () => {
    const text = githubWorkflow({ day: 'day4', submissions: 'submissions', shards: 3, hiddenSeed: true });
    const wf = parse(text) as {
      jobs: Record<
        string,
        { needs?: string[]; strategy?: { matrix: { shard: number[] } }; steps: Array<{ run?: string }> }
      >;
    };
    expect(wf.jobs.grade!.strategy!.matrix.shard).toEqual([1, 2, 3]);
    const gradeRun = wf.jobs.grade!.steps.map((s) => s.run ?? '').find((r) => r.includes('--shard'))!;
    expect(gradeRun).toContain('de-lab grade day4 --submissions submissions --shard ${{ matrix.shard }}/3');
    expect(gradeRun).toContain('--seed "${{ secrets.DE_LAB_GRADE_SEED }}"');
    expect(wf.jobs.merge!.needs).toEqual(['grade']);
    expect(wf.jobs.merge!.steps.some((s) => s.run?.startsWith('de-lab grade merge shards/grades-shard-*'))).toBe(true);
    expect(text).not.toMatch(/\*a\d|&a\d/);
    const open = githubWorkflow({ day: 'day2', submissions: 'my subs', shards: 1, hiddenSeed: false });
    expect(open).not.toContain('--seed');
    expect(open).toContain("--submissions 'my subs'");
  });
});
