import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

/**
 * The instructor's week on the fixture day7 (issue 25): a class.yaml deadline with a late policy,
 * an override with a comment, a `--only` regrade that keeps it, and the Canvas file. Two learners
 * from test/fixtures/grading/submissions-day7: alice on time, bob a day late. Folders of their own
 * in a temp dir; the private stacks are de-lab grade's own (named with a random run token).
 */
const labsDir = join(repoRoot, 'test', 'fixtures', 'grading');
const work = mkdtempSync(join(tmpdir(), 'de-lab-grade-week-it-'));
const submissions = join(work, 'submissions');
const out = join(work, 'grades');
const env = isolatedEnv({ DE_LAB_LABS_DIR: labsDir });
const run = (args: string[]) => deLab(args, { env, timeout: 5 * 60_000 });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Sets the modification time of every file under dir: the submission time de-lab reads. */
function touchAll(dir: string, when: Date): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) touchAll(path, when);
    else utimesSync(path, when, when);
  }
}

const CLASS = `learners:
  - { id: alice, name: 앨리스, lmsId: 2001, email: alice@example.edu }
  - { id: bob, name: 밥, lmsId: 2002, email: bob@example.edu }
deadlines:
  day7: { at: "2026-03-02 23:59", zone: Asia/Seoul }
late:
  perDay: 10
  cap: 50
`;

describe('de-lab grade with a class file, overrides and an LMS export', () => {
  beforeAll(() => {
    for (const name of ['alice', 'bob'])
      cpSync(join(labsDir, 'submissions-day7', name), join(submissions, name), { recursive: true });
    touchAll(join(submissions, 'alice'), new Date('2026-03-02T14:00:00Z')); // 23:00 in Seoul
    touchAll(join(submissions, 'bob'), new Date('2026-03-03T03:00:00Z')); // 12:00 the next day
    writeFileSync(join(work, 'class.yaml'), CLASS);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('grades with the late penalty, keeps an override across an --only regrade, writes Canvas', async () => {
    const first = await run(['grade', 'day7', '--submissions', submissions, '--out', out, '--format', 'canvas']);
    expect(first.exitCode, first.stderr).toBe(0);
    const raw = readJson(join(out, 'results.json'));
    const bob = raw.learners.find((l: { learner: string }) => l.learner === 'bob');
    expect(bob.late).toMatchObject({ daysLate: 1, percent: 10, from: 'folder', zone: 'Asia/Seoul' });
    expect(bob.score).toBe(4);
    expect(raw.learners.find((l: { learner: string }) => l.learner === 'alice').late.percent).toBe(0);
    expect(readFileSync(join(out, 'lms-canvas.csv'), 'utf8')).toBe(
      '\uFEFFStudent,ID,SIS User ID,SIS Login ID,Section,de-lab day7\r\n' +
        '    Points Possible,,,,,6\r\n앨리스,2001,,,,6\r\n밥,2002,,,,3.6\r\n',
    );

    const adjust = await run([
      'grade',
      'adjust',
      out,
      '--learner',
      'bob',
      '--check',
      'non-root',
      '--points',
      '1',
      '--comment',
      '권한은 맞음: USER가 있음',
    ]);
    expect(adjust.exitCode, adjust.stderr).toBe(0);
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).toMatch(/\r\nbob,4,1,5,0\.5,1,,4\.5,/);

    const again = await run([
      'grade',
      'day7',
      '--submissions',
      submissions,
      '--out',
      out,
      '--only',
      'bob',
      '--format',
      'moodle',
    ]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readJson(join(out, 'overrides.json')).overrides).toHaveLength(1);
    expect(
      readJson(join(out, 'results.json')).learners.find((l: { learner: string }) => l.learner === 'bob').score,
    ).toBe(4);
    expect(readFileSync(join(out, 'learners', 'l-bob.html'), 'utf8')).toContain('권한은 맞음: USER가 있음');
    expect(readFileSync(join(out, 'lms-moodle.csv'), 'utf8')).toContain('밥,2002,bob@example.edu,4.5\r\n');
  });
});
