#!/usr/bin/env node
// Check-loop benchmark (issue 26, item 4): how long a learner waits for `de-lab check <day> <id>`
// on the reference solution in a running stack, median of --runs runs per exercise. Goal: median
// ≤ 15 s per exercise and none over 45 s. Starts each day's stack in a workspace of its own (an
// isolated de-lab home), applies every reference solution, checks, then stops the stack with its
// volumes. Run it alone on an idle machine.
//   npm run bench -- --checks [--days day2,day3,day4,day5] [--runs 3] [--only id,id] [--per-check]
// --per-check also prints each check's own time (median over the runs), from `check --json`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, args, option, median } from './lib.js';

const bin = join(root, 'bin', 'de-lab.js');
const days = option('--days', 'day2,day3,day4,day5').split(',');
const runs = Number(option('--runs', 3));
const only = args.includes('--only') ? option('--only', '').split(',') : undefined;
const perCheck = args.includes('--per-check');
const GOAL_MEDIAN = 15;
const GOAL_MAX = 45;

const home = mkdtempSync(join(tmpdir(), 'de-lab-bench-checks-'));
const env = {
  ...process.env,
  NO_COLOR: '1',
  CI: 'true',
  DE_LAB_CONFIG: join(home, 'config.yaml'),
  XDG_DATA_HOME: join(home, 'data'),
};
const workspace = join(home, 'workspace');

function deLab(argv, { allowFail = false } = {}) {
  const started = process.hrtime.bigint();
  const run = spawnSync('node', [bin, ...argv], {
    cwd: home,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && !allowFail) {
    console.error(`de-lab ${argv.join(' ')} exited ${run.status}:\n${run.stderr || run.stdout}`);
    cleanUp();
    process.exit(1);
  }
  return { ...run, seconds };
}

/** The checks of `check --json`'s first result, with their own seconds (none when it is not JSON). */
function checksOf(stdout) {
  try {
    return JSON.parse(stdout).results?.[0]?.checks ?? [];
  } catch {
    return [];
  }
}

const started = new Set();
function cleanUp() {
  for (const day of started) deLab(['stop', day, '--purge', '--yes'], { allowFail: true });
  rmSync(home, { recursive: true, force: true });
}

const exercisesOf = (day) =>
  readdirSync(join(root, 'labs', day, 'exercises')).filter(
    (id) => !id.startsWith('_') && !id.startsWith('.') && (!only || only.includes(id)),
  );

deLab(['init', workspace]);
const rows = [];
for (const day of days) {
  console.log(`${day}: starting the stack …`);
  const start = deLab(['start', day]);
  started.add(day);
  console.log(`${day}: ready in ${start.seconds.toFixed(1)} s`);
  for (const id of exercisesOf(day)) {
    deLab(['solution', day, id, '--apply', '--yes']);
    const times = [];
    const checkTimes = new Map();
    let passed = true;
    for (let i = 0; i < runs; i++) {
      const check = deLab(['check', day, id, '--json'], { allowFail: true });
      times.push(check.seconds);
      if (check.status !== 0) passed = false;
      for (const c of checksOf(check.stdout)) checkTimes.set(c.id, [...(checkTimes.get(c.id) ?? []), c.seconds]);
    }
    const row = { day, id, median: median(times), min: Math.min(...times), max: Math.max(...times), passed };
    rows.push(row);
    console.log(
      `  ${id.padEnd(22)} median ${row.median.toFixed(1).padStart(5)} s  (min ${row.min.toFixed(1)}, max ${row.max.toFixed(1)})${passed ? '' : '  (a check did not pass)'}`,
    );
    if (perCheck)
      for (const [check, secs] of checkTimes)
        console.log(
          `    ${check.padEnd(24)} median ${median(secs).toFixed(2).padStart(6)} s  (${secs.map((t) => t.toFixed(2)).join(', ')})`,
        );
  }
  deLab(['stop', day, '--purge', '--yes'], { allowFail: true });
  started.delete(day);
}
cleanUp();

const slowMedian = rows.filter((r) => r.median > GOAL_MEDIAN);
const slowMax = rows.filter((r) => r.max > GOAL_MAX);
console.log(
  `\nGoal: median ≤ ${GOAL_MEDIAN} s per exercise, none over ${GOAL_MAX} s. ` +
    `${rows.length - slowMedian.length}/${rows.length} exercises meet the median; ` +
    `${slowMax.length} runs over ${GOAL_MAX} s (${slowMax.map((r) => `${r.day}/${r.id}`).join(', ') || 'none'}).`,
);
if (rows.some((r) => !r.passed)) {
  console.error('A reference solution did not pass its checks: the figures above are not a check loop.');
  process.exit(1);
}
