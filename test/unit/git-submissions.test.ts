import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import {
  collectFromGit,
  entryProblem,
  gitMessage,
  parseDeadline,
  parseRepoList,
  pickCommit,
} from '../../src/grading/grade/git-submissions.js';

describe('repository lists', () => {
  it('reads learner and URL per line, with comments and commas', () => {
    expect(parseRepoList('# class A\nalice https://example.org/a.git\n\nbob, file:///tmp/b.git  # late\n')).toEqual([
      { learner: 'alice', url: 'https://example.org/a.git' },
      { learner: 'bob', url: 'file:///tmp/b.git' },
    ]);
  });

  it("reads GitHub Classroom's grades export as is (BOM, quoted fields, roster id or username)", () => {
    const csv =
      '\uFEFF"assignment_name","assignment_url","starter_code_url","github_username","roster_identifier","student_repository_name","student_repository_url","submission_timestamp","points_awarded","points_available"\n' +
      '"day1","https://classroom.example/a/1","","kim-minji","20241234","day1-kim-minji","https://example.org/org/day1-kim-minji","2026-03-06 09:00:00 UTC","0","100"\n' +
      '"day1","https://classroom.example/a/1","","lee-jun","","day1-lee-jun","https://example.org/org/day1-lee-jun","","0","100"\n';
    expect(parseRepoList(csv)).toEqual([
      { learner: '20241234', url: 'https://example.org/org/day1-kim-minji' },
      { learner: 'lee-jun', url: 'https://example.org/org/day1-lee-jun' },
    ]);
  });

  it('refuses ids and URLs git must never see', () => {
    expect(entryProblem({ learner: 'alice', url: 'file:///tmp/a.git' })).toBeUndefined();
    expect(entryProblem({ learner: 'kim', url: 'git@example.org:org/repo.git' })).toBeUndefined();
    expect(entryProblem({ learner: '../x', url: 'file:///tmp/a.git' })).toMatch(/learner id/);
    expect(entryProblem({ learner: '.hidden', url: 'file:///tmp/a.git' })).toMatch(/learner id/);
    expect(entryProblem({ learner: 'a', url: '--upload-pack=touch /tmp/x' })).toMatch(/not an https/);
    expect(entryProblem({ learner: 'a', url: 'ext::sh -c touch% /tmp/x' })).toMatch(/not an https/);
    expect(entryProblem({ learner: 'a', url: '' })).toMatch(/no repository URL/);
  });
});

describe('deadlines', () => {
  it('needs a zone', () => {
    expect(parseDeadline('2026-03-06T18:00:00+09:00')?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
    expect(parseDeadline('2026-03-06T09:00Z')?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
    expect(parseDeadline('2026-03-06 18:00:00+0900')?.toISOString()).toBe('2026-03-06T09:00:00.000Z');
    for (const bad of ['2026-03-06T18:00:00', '2026-03-06', 'tomorrow', '2026-13-45T18:00:00Z'])
      expect(parseDeadline(bad)).toBeUndefined();
  });

  it('picks the newest commit at or before it and counts the later ones', () => {
    const log = [
      { commit: 'c3', time: 300, iso: 'c' },
      { commit: 'c2', time: 200, iso: 'b' },
      { commit: 'c1', time: 100, iso: 'a' },
    ];
    expect(pickCommit(log, new Date(200_000))).toEqual({ commit: 'c2', iso: 'b', late: 1 });
    expect(pickCommit(log)).toEqual({ commit: 'c3', iso: 'c', late: 0 });
    expect(pickCommit(log, new Date(50_000))).toBeUndefined();
    // Nothing on time and a late policy: the newest commit, marked late (its time sets the penalty).
    expect(pickCommit(log, new Date(50_000), true)).toEqual({ commit: 'c3', iso: 'c', late: 3, isLate: true });
    expect(pickCommit(log, new Date(200_000), true)).toEqual({ commit: 'c2', iso: 'b', late: 1 });
  });

  it("keeps git's fatal lines", () => {
    expect(gitMessage("Cloning into 'x'...\nfatal: repository '/nope' does not exist\n")).toBe(
      "fatal: repository '/nope' does not exist",
    );
  });
});

describe('collectFromGit on local bare repositories', () => {
  const root = mkdtempSync(join(tmpdir(), 'de-lab-git-collect-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const env = (date: string) => ({
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.org',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.org',
  });
  /** A bare repository with one commit per (date, text) of day1/env-config/report.env. */
  async function repo(name: string, commits: Array<[string, string]>): Promise<string> {
    const bare = join(root, `${name}.git`);
    const work = join(root, `${name}-work`);
    await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    await execa('git', ['init', '--quiet', '--initial-branch=main', work]);
    mkdirSync(join(work, 'day1', 'env-config'), { recursive: true });
    for (const [date, text] of commits) {
      writeFileSync(join(work, 'day1', 'env-config', 'report.env'), text);
      await execa('git', ['add', '-A'], { cwd: work });
      await execa('git', ['commit', '--quiet', '-m', text], { cwd: work, env: env(date) });
    }
    await execa('git', ['push', '--quiet', bare, 'main'], { cwd: work });
    return `file://${bare}`;
  }

  it('checks out the last commit before the deadline, records late commits, and goes on past a failed clone', async () => {
    const alice = await repo('alice', [
      ['2026-03-05T10:00:00Z', 'TOP_N=1'],
      ['2026-03-06T08:59:00Z', 'TOP_N=3'],
      ['2026-03-06T12:00:00Z', 'TOP_N=9'],
    ]);
    const bob = await repo('bob', [['2026-03-07T10:00:00Z', 'TOP_N=5']]);
    const folder = join(root, 'grading', 'submissions');
    mkdirSync(join(folder, 'alice'), { recursive: true });
    writeFileSync(join(folder, 'alice', 'from-before.txt'), 'an earlier collection');
    const entries = [
      { learner: 'alice', url: alice },
      { learner: 'carol', url: `file://${join(root, 'missing.git')}` },
      { learner: 'bob', url: bob },
      { learner: 'bad/id', url: bob },
    ];
    const collected = await collectFromGit(entries, { deadline: new Date('2026-03-06T09:00:00Z'), folder });
    const [a, c, b, bad] = collected;
    expect(a).toMatchObject({ learner: 'alice', folder: join(folder, 'alice'), lateCommits: 1 });
    expect(a!.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(new Date(a!.committedAt!).toISOString()).toBe('2026-03-06T08:59:00.000Z');
    expect(readFileSync(join(folder, 'alice', 'day1', 'env-config', 'report.env'), 'utf8')).toBe('TOP_N=3');
    expect(existsSync(join(folder, 'alice', '.git'))).toBe(false);
    // The earlier collection is moved aside, never deleted.
    const previous = readdirSync(join(folder, '.previous'));
    expect(previous).toHaveLength(1);
    expect(readFileSync(join(folder, '.previous', previous[0]!, 'from-before.txt'), 'utf8')).toBe(
      'an earlier collection',
    );
    expect(c!.error).toMatch(/^fatal: .*missing\.git/);
    expect(c!.folder).toBeUndefined();
    expect(b).toMatchObject({
      learner: 'bob',
      lateCommits: 1,
      error: 'no commit at or before 2026-03-06T09:00:00.000Z',
    });
    expect(bad!.error).toMatch(/learner id/);
    expect(readdirSync(folder).sort()).toEqual(['.commits.json', '.previous', 'alice']);
  });

  it('takes the newest commit, one deep, without a deadline', async () => {
    const url = await repo('dana', [
      ['2026-03-05T10:00:00Z', 'A=1'],
      ['2026-03-06T10:00:00Z', 'A=2'],
    ]);
    const folder = join(root, 'nodeadline');
    const [d] = await collectFromGit([{ learner: 'dana', url }], { folder });
    expect(d).toMatchObject({ learner: 'dana', lateCommits: 0 });
    expect(readFileSync(join(folder, 'dana', 'day1', 'env-config', 'report.env'), 'utf8')).toBe('A=2');
    // Collected again at the same commit: the folder is kept as it is (so --resume skips it).
    const stamp = statSync(join(folder, 'dana', 'day1', 'env-config', 'report.env')).mtimeMs;
    const [again] = await collectFromGit([{ learner: 'dana', url }], { folder });
    expect(again).toMatchObject({ commit: d!.commit, folder: join(folder, 'dana') });
    expect(statSync(join(folder, 'dana', 'day1', 'env-config', 'report.env')).mtimeMs).toBe(stamp);
    expect(existsSync(join(folder, '.previous'))).toBe(false);
  });
});
