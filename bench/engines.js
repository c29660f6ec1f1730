#!/usr/bin/env node
// Distribution overhead of `de-lab grade --engines`: the same class graded on the default engine
// alone (--parallel = the pool's slots), then on the pool, taking turns --runs times. On one
// machine there is no speed-up to expect: the difference per learner is what the pool costs
// (image check or transfer, the queue, a second engine's API). Scores must be equal.
//   npm run bench -- --engines default=1,unix:///run/e1.sock=1 [--day day7] [--learners 8] [--pool-runs 2]
// The fixture day7 (test/fixtures/grading) is graded by default; --day dayN grades a course day
// with copies of its solutions and starters.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, option, median } from './lib.js';

const bin = join(root, 'bin', 'de-lab.js');
const engines = option('--engines', '');
const day = option('--day', 'day7');
const learners = Number(option('--learners', '8'));
const runs = Number(option('--pool-runs', '2'));
if (!engines) {
  console.error('Name the pool: npm run bench -- --engines default=1,<context or address>=1');
  process.exit(2);
}
const fixture = day === 'day7';
const labs = fixture ? join(root, 'test', 'fixtures', 'grading') : join(root, 'labs');
const slots = engines.split(',').reduce((sum, e) => sum + (Number(e.split('=')[1]) || 1), 0);

const work = mkdtempSync(join(tmpdir(), 'de-lab-bench-engines-'));
const submissions = join(work, 'submissions');
const fixtureLearners = ['alice', 'bob', 'carol', 'dave'];
for (let i = 0; i < learners; i++) {
  const name = `learner-${String(i + 1).padStart(2, '0')}`;
  if (fixture) {
    cpSync(join(labs, 'submissions-day7', fixtureLearners[i % 4]), join(submissions, name), { recursive: true });
    continue;
  }
  for (const exercise of readdirSync(join(labs, day, 'exercises')).filter((n) => !/^[_.]/.test(n)))
    cpSync(
      join(labs, day, 'exercises', exercise, i % 2 ? 'starter' : 'solution'),
      join(submissions, name, day, exercise),
      {
        recursive: true,
      },
    );
}

function grade(label, extra) {
  const out = join(work, `out-${label}`);
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  const run = spawnSync('node', [bin, 'grade', day, '--submissions', submissions, '--out', out, '--json', ...extra], {
    env: { ...process.env, NO_COLOR: '1', CI: 'true', DE_LAB_LABS_DIR: labs },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (Date.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) {
    console.error(`de-lab grade ${extra.join(' ')} exited ${run.status}: ${run.stderr}`);
    process.exit(1);
  }
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const scores = results.learners.map((l) => `${l.learner}:${l.status}:${l.score}`).join(' ');
  return { wall, scores, engines: results.engines };
}

console.log(
  `Grading ${learners} learners of ${day} on one engine (--parallel ${slots}) and on --engines ${engines}, ${runs} runs each`,
);
const one = [];
const pool = [];
let images;
for (let r = 0; r < runs; r++) {
  one.push(grade('one', ['--parallel', String(slots)]));
  pool.push(grade('pool', ['--engines', engines]));
  images ??= pool[0].engines;
}
const same = pool.every((p) => p.scores === one[0].scores) && one.every((o) => o.scores === one[0].scores);
const oneWall = median(one.map((o) => o.wall));
const poolWall = median(pool.map((p) => p.wall));
const perLearner = (poolWall - oneWall) / learners;
const report = {
  at: new Date().toISOString(),
  day,
  learners,
  engines,
  runs,
  oneEngineWallSeconds: oneWall,
  poolWallSeconds: poolWall,
  overheadPerLearnerSeconds: perLearner,
  overheadPercent: ((poolWall - oneWall) / oneWall) * 100,
  images: images?.map((e) => ({ engine: e.name, ...e.images })),
  graded: pool.at(-1).engines?.map((e) => ({ engine: e.name, learners: e.learners })),
  sameScores: same,
};
const sec = (v) => `${v.toFixed(1)} s`;
console.log(`  one engine      ${sec(oneWall)} (runs: ${one.map((o) => sec(o.wall)).join(', ')})`);
console.log(`  pool            ${sec(poolWall)} (runs: ${pool.map((p) => sec(p.wall)).join(', ')})`);
console.log(
  `  overhead        ${sec(perLearner)} per learner, ${report.overheadPercent.toFixed(1)} % (goal ≤ 10 %: ${report.overheadPercent <= 10 ? 'met' : 'NOT met'})`,
);
for (const e of report.images ?? [])
  console.log(
    `  images on ${e.engine}: ${e.carried} carried, ${e.same} already there, ${sec(e.seconds)} (first pooled run)`,
  );
console.log(`  graded          ${report.graded?.map((g) => `${g.engine} ${g.learners}`).join(', ')}`);
console.log(`  scores          ${same ? 'the same on one engine and on the pool' : 'DIFFERENT on the pool'}`);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', `engines-${day}.json`), JSON.stringify(report, null, 2));
rmSync(work, { recursive: true, force: true });
if (!same) process.exit(1);
