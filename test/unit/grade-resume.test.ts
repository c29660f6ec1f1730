import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeLabError } from '../../src/core/errors.js';
import { capParallel, etaSeconds, planRun, resolveSeed } from '../../src/grading/grade/plan.js';
import { ResultStore, RUN_SCHEMA } from '../../src/grading/grade/store.js';
import { detectLayout, findSubmissions, fingerprint, roleOf } from '../../src/grading/grade/submissions.js';
import { courseSeed } from '../../src/course/seed.js';
import { sampleResults } from './grade-sample.js';
import { tempDir } from '../helpers/temp.js';

const parent = tempDir('de-lab-grade-unit-');
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const tmp = () => mkdtempSync(join(parent, 'case-'));

function submissionsDir(): string {
  const dir = tmp();
  for (const name of ['alice', 'bob', 'carol']) mkdirSync(join(dir, name, 'day7', 'ex'), { recursive: true });
  writeFileSync(join(dir, 'dave.zip'), 'zip bytes');
  writeFileSync(join(dir, 'erin.tar.gz'), 'tgz bytes');
  writeFileSync(join(dir, 'notes.txt'), 'not a submission');
  writeFileSync(join(dir, '.DS_Store'), '');
  return dir;
}

describe('finding submissions', () => {
  it('takes one folder, .zip or .tar.gz per learner and names the learner after it', () => {
    const found = findSubmissions(submissionsDir());
    expect(found.map((s) => [s.learner, s.format, s.problem === undefined])).toEqual([
      ['alice', 'folder', true],
      ['bob', 'folder', true],
      ['carol', 'folder', true],
      ['dave', 'zip', true],
      ['erin', 'tar.gz', true],
      ['notes', 'folder', false],
    ]);
  });

  it('gives every learner a safe, distinct role name', () => {
    expect(roleOf('alice')).toBe('l-alice');
    expect(roleOf('Alice')).toMatch(/^l-alice-[0-9a-f]{6}$/);
    expect(roleOf('Alice')).not.toBe(roleOf('alice'));
    expect(roleOf('../../x; rm -rf /')).toMatch(/^l-x-rm-rf-[0-9a-f]{6}$/);
    expect(roleOf('김민지')).toMatch(/^l-x-[0-9a-f]{6}$/);
  });

  it('finds the exercise folders in the usual layouts', () => {
    const root = tmp();
    mkdirSync(join(root, 'wrap', 'day7', 'ex'), { recursive: true });
    expect(detectLayout(root, 'day7', ['ex', 'other'])).toMatchObject({ layout: 'wrapped-day-folder', found: ['ex'] });
    const top = tmp();
    mkdirSync(join(top, 'other'), { recursive: true });
    expect(detectLayout(top, 'day7', ['ex', 'other'])).toMatchObject({ layout: 'exercises-at-top', found: ['other'] });
    expect(detectLayout(tmp(), 'day7', ['ex'])).toMatchObject({ layout: 'none', found: [] });
  });
});

describe('resuming a grading run', () => {
  const subs = findSubmissions(submissionsDir()).filter((s) => !s.problem);
  const stored = (role: string, patch: object = {}) => ({
    ...sampleResults().learners[0]!,
    role,
    learner: role.slice(2),
    seed: courseSeed(),
    submission: { file: '', format: 'folder' as const, fingerprint: `fp-${role}` },
    ...patch,
  });
  const fingerprints = new Map(subs.map((s) => [s.role, `fp-${s.role}`]));

  it('grades everyone without --resume', () => {
    expect(
      planRun({
        submissions: subs,
        stored: new Map([['l-alice', stored('l-alice')]]),
        fingerprints,
        seed: courseSeed(),
        resume: false,
      }).todo,
    ).toHaveLength(5);
  });

  it('skips learners already graded or rejected with the same seed and submission, retries the rest', () => {
    const map = new Map([
      ['l-alice', stored('l-alice')],
      ['l-bob', stored('l-bob', { status: 'rejected' })],
      ['l-carol', stored('l-carol', { status: 'error' })],
      ['l-dave', stored('l-dave', { seed: 1 })],
      ['l-erin', stored('l-erin', { submission: { file: '', format: 'tar.gz', fingerprint: 'older' } })],
    ]);
    const plan = planRun({ submissions: subs, stored: map, fingerprints, seed: courseSeed(), resume: true });
    expect(plan.kept.map((s) => s.learner)).toEqual(['alice', 'bob']);
    expect(plan.todo.map((s) => s.learner)).toEqual(['carol', 'dave', 'erin']);
  });

  it('regrades exactly one learner with --only, and names the learners when the id is unknown', () => {
    const map = new Map([['l-bob', stored('l-bob')]]);
    expect(
      planRun({
        submissions: subs,
        stored: map,
        fingerprints,
        seed: courseSeed(),
        resume: false,
        only: 'bob',
      }).todo.map((s) => s.learner),
    ).toEqual(['bob']);
    expect(() =>
      planRun({ submissions: subs, stored: map, fingerprints, seed: courseSeed(), resume: false, only: 'zoe' }),
    ).toThrow(/no submission of "zoe"/);
  });

  it('keeps one seed per output folder and refuses to overwrite results silently', () => {
    const meta = { schema: RUN_SCHEMA, day: 'day7', seed: 42, submissions: '/s', startedAt: '' } as const;
    expect(resolveSeed({ day: 'day7', hasResults: false, resume: false, out: '/o' })).toBe(courseSeed());
    expect(resolveSeed({ day: 'day7', requested: 7, hasResults: false, resume: false, out: '/o' })).toBe(7);
    expect(resolveSeed({ day: 'day7', meta, hasResults: true, resume: true, out: '/o' })).toBe(42);
    expect(resolveSeed({ day: 'day7', meta, hasResults: true, resume: false, only: 'bob', out: '/o' })).toBe(42);
    const refuse = (input: Parameters<typeof resolveSeed>[0], code: string) => {
      try {
        resolveSeed(input);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DeLabError);
        expect((error as DeLabError).code).toBe(code);
        expect((error as DeLabError).hint).toBeTruthy();
      }
    };
    refuse({ day: 'day7', meta, hasResults: true, resume: false, out: '/o' }, 'E_GRADE_EXISTS');
    refuse({ day: 'day8', meta, hasResults: true, resume: true, out: '/o' }, 'E_GRADE_EXISTS');
    refuse({ day: 'day7', meta, requested: 43, hasResults: true, resume: true, out: '/o' }, 'E_GRADE_SEED');
  });

  it('stores each learner atomically, reads back torn files as not graded, and locks the folder', () => {
    const dir = tmp();
    const store = new ResultStore(dir);
    store.open({ schema: RUN_SCHEMA, day: 'day7', seed: 1, submissions: '/s', startedAt: 'now' });
    const result = sampleResults().learners[0]!;
    store.save(result);
    expect(store.load(result.role)).toEqual(result);
    writeFileSync(join(store.learnersDir, 'l-torn.json'), '{"learner": "to');
    expect(store.load('l-torn')).toBeUndefined();
    expect(store.roles().sort()).toEqual(['l-alice', 'l-torn']);
    expect(store.readMeta()).toMatchObject({ day: 'day7', seed: 1 });
    // A lock held by a live process (this one's parent) refuses a second run.
    writeFileSync(join(dir, '.lock'), String(process.ppid));
    expect(() =>
      new ResultStore(dir).open({ schema: RUN_SCHEMA, day: 'day7', seed: 1, submissions: '/s', startedAt: 'now' }),
    ).toThrow(/Another de-lab grade/);
    // A stale lock (no such process) is taken over.
    writeFileSync(join(dir, '.lock'), '999999999');
    const again = new ResultStore(dir);
    again.open({ schema: RUN_SCHEMA, day: 'day7', seed: 1, submissions: '/s', startedAt: 'now' });
    again.close();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('fingerprints archives by content and folders by their tree', async () => {
    const dir = submissionsDir();
    const [alice, , , dave] = findSubmissions(dir);
    const before = [await fingerprint(alice!), await fingerprint(dave!)];
    writeFileSync(join(dir, 'alice', 'day7', 'ex', 'new.sh'), 'x');
    writeFileSync(join(dir, 'dave.zip'), 'other bytes');
    expect(await fingerprint(alice!)).not.toBe(before[0]);
    expect(await fingerprint(dave!)).not.toBe(before[1]);
  });
});

describe('parallelism', () => {
  it('caps the learners at once by the engine memory, never below one', () => {
    const GiB = 2 ** 30;
    expect(capParallel(8, 4 * GiB, 1536, 512 * 2 ** 20)).toMatchObject({ parallel: 1, cap: 1 });
    expect(capParallel(8, 16 * GiB, 1536, 512 * 2 ** 20)).toMatchObject({ parallel: 6, cap: 6 });
    expect(capParallel(2, 16 * GiB, 64, 512 * 2 ** 20).parallel).toBe(2);
    expect(capParallel(3, 0, 64, 512).parallel).toBe(1);
  });

  it('estimates the time left from the learners done so far', () => {
    expect(etaSeconds([], 5, 2)).toBeUndefined();
    expect(etaSeconds([10, 20], 4, 2)).toBe(30);
  });
});
