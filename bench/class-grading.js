#!/usr/bin/env node
// Class-scale grading benchmark: a synthetic class for a day (default day4, 30 learners: every
// third the reference solution, the others the starter or a mix), graded with `de-lab grade`
// on this machine. Reports wall time and where it goes: the references, each learner's private
// stack (start and removal), the learner's own jobs (steps) and the checks.
//   npm run bench -- --class-grading [--day day4] [--learners 30] [--parallel 2]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, option, median } from './lib.js';

const bin = join(root, 'bin', 'de-lab.js');
const day = option('--day', 'day4');
const learners = Number(option('--learners', '30'));
const parallel = option('--parallel', '2');

const sum = (values) => values.reduce((a, b) => a + b, 0);
const sec = (value) => `${value.toFixed(1)} s`;

const handedIn = new Map(); // "learner/exercise" → 'solution' | 'starter'
const work = mkdtempSync(join(tmpdir(), 'de-lab-bench-class-'));
const submissions = join(work, 'submissions');
const exercisesDir = join(root, 'labs', day, 'exercises');
const exercises = readdirSync(exercisesDir).filter((name) => !name.startsWith('_') && !name.startsWith('.'));
for (let i = 0; i < learners; i++) {
  const name = `learner-${String(i + 1).padStart(2, '0')}`;
  for (const [j, exercise] of exercises.entries()) {
    // Every third learner hands in the reference; the others alternate starter and reference per exercise.
    const role = i % 3 === 0 || (i + j) % 2 === 0 ? 'solution' : 'starter';
    handedIn.set(`${name}/${exercise}`, role);
    const to = join(submissions, name, day, exercise);
    mkdirSync(to, { recursive: true });
    cpSync(join(exercisesDir, exercise, role), to, { recursive: true });
  }
}

const out = join(work, 'out');
console.log(`Grading a class of ${learners} for ${day} (${exercises.length} exercises each, --parallel ${parallel}) …`);
const started = Date.now();
const run = spawnSync(
  'node',
  [bin, 'grade', day, '--submissions', submissions, '--out', out, '--parallel', parallel, '--json'],
  {
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  },
);
const wall = (Date.now() - started) / 1000;
if (run.status !== 0 && run.status !== 1) {
  console.error(`de-lab grade exited ${run.status}`);
  process.exit(1);
}
const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
const perLearner = results.learners.map((l) => {
  const exerciseSeconds = sum(l.exercises.map((e) => e.seconds ?? 0));
  const steps = sum(l.exercises.flatMap((e) => (e.steps ?? []).map((s) => s.seconds)));
  const checks = sum(l.exercises.flatMap((e) => (e.checks ?? []).map((c) => c.seconds ?? 0)));
  const o = l.overhead ?? { openSec: 0, leftoversSec: 0, recreateSec: 0, closeSec: 0 };
  return {
    total: l.seconds + o.closeSec,
    steps,
    checks,
    open: o.openSec,
    leftovers: o.leftoversSec,
    recreate: o.recreateSec,
    close: o.closeSec,
    // Inside an exercise but neither a step nor a check: copying the files, waiting for the class's reference.
    waiting: Math.max(0, exerciseSeconds - steps - checks),
    other: Math.max(0, l.seconds - exerciseSeconds - o.openSec - o.leftoversSec - o.recreateSec),
  };
});
// A fast grader that grades wrongly proves nothing: every solution must earn full marks, every starter less.
const wrong = results.learners.flatMap((l) =>
  l.exercises
    .filter((e) => {
      const role = handedIn.get(`${l.learner}/${e.id}`);
      return role === 'solution' ? e.score !== e.maxScore : e.score >= e.maxScore;
    })
    .map((e) => `${l.learner}/${e.id} (${handedIn.get(`${l.learner}/${e.id}`)}: ${e.score}/${e.maxScore})`),
);
const graded = results.learners.length;
const m = (key) => median(perLearner.map((p) => p[key]));
const workers = Math.min(Number(parallel), graded);
// Steady state: each worker takes a learner every (median learner time less the wait for the class's
// references, made once per run while the first learners' jobs run: the measured wall time holds it).
const steady = median(perLearner.map((p) => p.total - p.waiting));
const projectedFor30 = wall + (Math.max(0, 30 - graded) * steady) / workers;
const report = {
  day,
  learners: graded,
  parallel: Number(parallel),
  wallSeconds: wall,
  perLearnerMedian: {
    total: m('total'),
    ownJobs: m('steps'),
    checks: m('checks'),
    stackStart: m('open'),
    leftovers: m('leftovers'),
    recreate: m('recreate'),
    stackRemoval: m('close'),
    waitingForReference: m('waiting'),
    other: m('other'),
  },
  steadyPerLearner: steady,
  projectedFor30,
  gradedAsExpected: wrong.length === 0,
};
console.log(
  `\n  wall time                     ${sec(wall)} for ${graded} learners (${sec(wall / graded)} per learner at --parallel ${parallel})`,
);
console.log(`  per learner (median)          ${sec(m('total'))}`);
console.log(`    their own jobs (steps)      ${sec(m('steps'))}`);
console.log(`    checks                      ${sec(m('checks'))}`);
console.log(`    private stack start         ${sec(m('open'))}`);
console.log(`    leftover look (after each)  ${sec(m('leftovers'))}`);
console.log(`    stack recreated             ${sec(m('recreate'))}`);
console.log(`    private stack removal       ${sec(m('close'))}`);
console.log(`    waiting for the reference   ${sec(m('waiting'))}`);
console.log(`    other (unpacking, copies)   ${sec(m('other'))}`);
console.log(`  overhead beyond own jobs      ${sec(m('total') - m('steps'))} per learner`);
console.log(`  per learner once the references are made ${sec(steady)}`);
console.log(
  `  projected for 30 learners     ${sec(projectedFor30)} (goal ≤ 1200 s: ${projectedFor30 <= 1200 ? 'met' : 'NOT met'})`,
);
console.log(
  wrong.length === 0
    ? `  graded as expected            every solution full marks, every starter less (${graded * exercises.length} exercises)`
    : `  NOT graded as expected        ${wrong.join('; ')}`,
);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', `class-grading-${day}.json`), JSON.stringify(report, null, 2));
// Wrong grades are kept for a look: the class's results.json goes next to the figures.
if (wrong.length > 0)
  cpSync(join(out, 'results.json'), join(root, 'bench-results', `class-grading-${day}-results.json`));
rmSync(work, { recursive: true, force: true });
if (wrong.length > 0) process.exit(1);
