import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';

/**
 * The instructor's week on a real day-1 class (issue 25), collected from local git repositories:
 * alice commits a restyled solution on time, bob the reference a day after the deadline (no commit
 * before it: graded late under the class's policy), carol copies alice's file. One exercise each
 * (memory-limit-oom: no stack of its own beyond the tools image), so the class grades in minutes.
 */
const work = mkdtempSync(join(tmpdir(), 'de-lab-grade-git-it-'));
const out = join(work, 'grades');
const env = isolatedEnv();
const run = (args: string[]) => deLab(args, { env, timeout: 8 * 60_000 });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

// The reference written out in full, with inline lists: every line differs from the solution's.
const RESTYLED = `# alice: both jobs written out in full, each with its own 64 MiB limit and no swap on top
services:
  small-job:
    image: \${DE_LAB_IMAGE_PREFIX:-de-lab}/tools:1.0
    command: [python3, /app/hog.py]
    volumes: [./hog.py:/app/hog.py:ro]
    environment: { HOG_MIB: "32", HOG_SEED: "\${HOG_SEED:-0}" }
    mem_limit: 64m       # the limit alice chose for the small job
    memswap_limit: 64m   # memory plus swap: no swap at all
  big-job:
    image: \${DE_LAB_IMAGE_PREFIX:-de-lab}/tools:1.0
    command: [python3, /app/hog.py]
    volumes: [./hog.py:/app/hog.py:ro]
    environment: { HOG_MIB: "256", HOG_SEED: "\${HOG_SEED:-0}" }
    mem_limit: 64m       # the same limit alice chose for the big job
    memswap_limit: 64m   # so the kernel ends it when it asks for 256 MiB
`;

/** A repository with one commit of day1/memory-limit-oom/compose.yaml, dated `when`. */
function repo(name: string, compose: string, when: string): string {
  const dir = join(work, 'repos', name);
  mkdirSync(join(dir, 'day1', 'memory-limit-oom'), { recursive: true });
  writeFileSync(join(dir, 'day1', 'memory-limit-oom', 'compose.yaml'), compose);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      stdio: 'pipe',
    });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('-c', 'user.name=Learner', '-c', 'user.email=l@example.edu', 'commit', '--quiet', '-m', 'day 1');
  return pathToFileURL(dir).href;
}

const CLASS = `learners:
  - { id: alice, name: Alice Kim, lmsId: 3001, email: alice@example.edu }
  - { id: bob, name: 김민준, lmsId: 3002, email: bob@example.edu }
  - { id: carol, name: Carol Lee, lmsId: 3003, email: carol@example.edu }
deadlines:
  day1: { at: "2026-03-02 23:59", zone: Asia/Seoul }
late:
  perDay: 10
  cap: 50
`;

describe('a day-1 class from git: deadline, override, similarity and LMS files', () => {
  beforeAll(() => {
    const solution = readFileSync(
      join(repoRoot, 'labs', 'day1', 'exercises', 'memory-limit-oom', 'solution', 'compose.yaml'),
      'utf8',
    );
    const list = [
      `alice ${repo('alice', RESTYLED, '2026-03-02T22:00:00+09:00')}`,
      `bob ${repo('bob', solution, '2026-03-03T12:00:00+09:00')}`,
      `carol ${repo('carol', RESTYLED.replace('# alice:', '# carol:'), '2026-03-02T23:00:00+09:00')}`,
    ];
    writeFileSync(join(work, 'repos.txt'), list.join('\n') + '\n');
    writeFileSync(join(work, 'class.yaml'), CLASS);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('grades at the deadline with the late policy, keeps an override, ranks the copied pair first', async () => {
    const grade = (...more: string[]) =>
      run([
        'grade',
        'day1',
        '--submissions',
        join(work, 'repos.txt'),
        '--class',
        join(work, 'class.yaml'),
        '--out',
        out,
        ...more,
      ]);
    const first = await grade('--similarity');
    expect(first.exitCode, first.stderr).toBe(0);
    const collected = readJson(join(out, 'collected.json')).collected as Array<{ learner: string; late?: boolean }>;
    expect(collected.map((c) => [c.learner, c.late === true])).toEqual([
      ['alice', false],
      ['bob', true],
      ['carol', false],
    ]);
    const results = readJson(join(out, 'results.json'));
    const by = (name: string) => results.learners.find((l: { learner: string }) => l.learner === name);
    const exercise = (name: string) =>
      by(name).exercises.find((e: { id: string }) => e.id === 'memory-limit-oom') as {
        score: number;
        maxScore: number;
      };
    for (const name of ['alice', 'bob', 'carol']) expect(exercise(name).score, name).toBe(exercise(name).maxScore);
    expect(by('bob').late).toMatchObject({ daysLate: 1, percent: 10, from: 'commit', zone: 'Asia/Seoul' });
    expect(by('alice').late.percent).toBe(0);
    const top = readJson(join(out, 'similarity.json')).pairs[0];
    expect([top.left, top.right].sort()).toEqual(['alice', 'carol']);

    const adjust = await run([
      'grade',
      'adjust',
      out,
      '--learner',
      'carol',
      '--check',
      'big-job-oom-killed',
      '--points',
      '0',
      '--comment',
      '앨리스의 파일을 그대로 옮김 (copied from alice)',
    ]);
    expect(adjust.exitCode, adjust.stderr).toBe(0);
    const again = await grade('--only', 'carol');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readJson(join(out, 'overrides.json')).overrides).toHaveLength(1);

    for (const format of ['canvas', 'moodle']) {
      const exported = await run(['grade', 'export', out, '--format', format, '--to', join(work, `${format}.csv`)]);
      expect(exported.exitCode, exported.stderr).toBe(0);
      const expected = readFileSync(
        join(repoRoot, 'test', 'fixtures', 'lms', `day1-git-class-${format}.csv`),
        'utf8',
      ).replace(/\r?\n/g, '\r\n');
      expect(readFileSync(join(work, `${format}.csv`), 'utf8')).toBe(`\uFEFF${expected}`);
    }

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'learners', 'l-carol.html')).href);
      expect(await page.locator('body').innerText()).toContain('앨리스의 파일을 그대로 옮김 (copied from alice)');
      await page.goto(pathToFileURL(join(out, 'similarity.html')).href);
      expect(await page.locator('#pairs tbody tr').first().innerText()).toMatch(/memory-limit-oom\s+alice ↔ carol/);
      const marked = await page.locator('#pair-1 + .sbs mark.match').allInnerTexts();
      expect(marked.join('\n')).toContain('mem_limit: 64m       # the limit alice chose for the small job');
    } finally {
      await browser.close();
    }
  });
});
