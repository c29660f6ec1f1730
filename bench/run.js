#!/usr/bin/env node
// de-lab benchmarks. Prints medians (and min/max) of repeated runs; performance targets live
// here, not in timed tests. Usage: npm run bench [-- --runs 15 --start-runs 5 --skip-start]
// Targets (issue 16): --version ≤ 1.3× bare node, list ≤ 2×, start ≤ 1.02× docker compose up -d --wait.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, args, option, median } from './lib.js';

const bin = join(root, 'bin', 'de-lab.js');
const runs = Number(option('--runs', 15));
const startRuns = Number(option('--start-runs', 5));

const ms = (value) => `${value.toFixed(1)} ms`;

function time(command, argv, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

const results = { at: new Date().toISOString(), node: process.version, coldStart: [], start: undefined };

console.log(`CLI cold start, ${runs} runs each (median; the commands take turns, so noise hits all alike)`);
// A private config and cache, as a learner's first day has (the course cache is written by the uncounted warm-up run).
const home = mkdtempSync(join(tmpdir(), 'de-lab-bench-'));
const isolated = { DE_LAB_CONFIG: join(home, 'config.yaml'), XDG_CACHE_HOME: join(home, 'cache'), CI: 'true' };
const commands = [
  { label: 'node -e 0', run: () => time('node', ['-e', '0']) },
  { label: 'de-lab --version', target: 1.3, run: () => time('node', [bin, '--version'], isolated) },
  { label: 'de-lab list', target: 2.0, run: () => time('node', [bin, 'list'], isolated) },
  { label: 'de-lab --help', run: () => time('node', [bin, '--help'], isolated) },
];
for (const command of commands) command.run(); // warm the file system cache; not counted
const samples = commands.map(() => []);
for (let i = 0; i < runs; i++) commands.forEach((command, j) => samples[j].push(command.run()));
const bareMedian = median(samples[0]);
commands.forEach((command, j) => {
  const row = {
    label: command.label,
    runs,
    medianMs: median(samples[j]),
    minMs: Math.min(...samples[j]),
    maxMs: Math.max(...samples[j]),
  };
  row.ratioToBareNode = row.medianMs / bareMedian;
  row.target = command.target;
  results.coldStart.push(row);
  const verdict =
    row.target === undefined
      ? ''
      : `  target ≤ ${row.target.toFixed(2)}x: ${row.ratioToBareNode <= row.target ? 'met' : 'NOT met'}`;
  console.log(
    `  ${row.label.padEnd(18)} ${ms(row.medianMs).padStart(10)}  (min ${ms(row.minMs)}, max ${ms(row.maxMs)})  ${row.ratioToBareNode.toFixed(2)}x bare node${verdict}`,
  );
});

if (!args.includes('--skip-start')) {
  // The same compose file both ways, from stopped (containers removed, volumes kept) to ready.
  const labs = join(root, 'test', 'fixtures', 'stacks');
  const compose = join(labs, 'day9', 'compose.yaml');
  const down = () =>
    execFileSync('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'down', '--timeout', '2'], {
      stdio: 'ignore',
    });
  console.log(
    `\nStack start from stopped to ready, ${startRuns} runs each (median), fixture stack test/fixtures/stacks/day9`,
  );
  const deLab = [];
  const plain = [];
  for (let i = 0; i < startRuns; i++) {
    down();
    plain.push(time('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'up', '-d', '--wait']));
    down();
    deLab.push(time('node', [bin, 'start', 'day9'], { DE_LAB_LABS_DIR: labs, ...isolated }));
  }
  // Where de-lab's own time goes: one more run with DE_LAB_TIMING=1 (not counted).
  down();
  const traced = spawnSync('node', [bin, 'start', 'day9'], {
    env: { ...process.env, NO_COLOR: '1', DE_LAB_LABS_DIR: labs, ...isolated, DE_LAB_TIMING: '1' },
    encoding: 'utf8',
  });
  const marks = String(traced.stderr)
    .split('\n')
    .filter((line) => line.startsWith('[timing]'));
  console.log(
    `  breakdown of one run (ms since the process started):\n${marks.map((line) => `    ${line.slice('[timing] '.length)}`).join('\n')}`,
  );
  down();
  execFileSync('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'down', '-v'], { stdio: 'ignore' });
  results.start = {
    runs: startRuns,
    composeMedianMs: median(plain),
    deLabMedianMs: median(deLab),
    ratio: median(deLab) / median(plain),
  };
  console.log(`  docker compose up -d --wait ${ms(results.start.composeMedianMs).padStart(10)}`);
  console.log(`  de-lab start                ${ms(results.start.deLabMedianMs).padStart(10)}`);
  console.log(
    `  ratio ${results.start.ratio.toFixed(3)} (target ≤ 1.02: ${results.start.ratio <= 1.02 ? 'met' : 'NOT met'})`,
  );
}

if (args.includes('--day4-latency')) {
  // Needs the day4 stack (`de-lab start day4`); prints p50/p95 of produce→sink latency.
  console.log('\nDay 4 end-to-end latency (parse-events reference, Kafka → Spark → Kafka)');
  const latency = spawnSync('node', [join(root, 'bench', 'day4-latency.js')], { stdio: 'inherit' });
  if (latency.status !== 0) process.exitCode = 1;
} else {
  console.log('\nDay 4 latency: not run (start day4, then `npm run bench -- --day4-latency`).');
}

if (args.includes('--day3')) {
  // Needs the day3 stack (`de-lab start day3`); starter vs reference job time per tuning exercise.
  console.log('\nDay 3 tuning: starter vs reference job time');
  const day3 = spawnSync(
    'node',
    [join(root, 'bench', 'day3.js'), ...args.filter((a) => a !== '--day3' && a !== '--skip-start')],
    { stdio: 'inherit' },
  );
  if (day3.status !== 0) process.exitCode = 1;
} else {
  console.log('Day 3 tuning: not run (start day3, then `npm run bench -- --day3`).');
}

if (args.includes('--day5')) {
  // Starts a day-5 stack of its own (project de-lab-bench-day5): start-to-ready, end-to-end
  // latency p50/p95 of the reference pipeline, peak memory. About 5 minutes.
  console.log('\nDay 5 pipeline');
  const day5 = spawnSync(
    'node',
    [join(root, 'bench', 'day5-pipeline.js'), ...args.filter((a) => a !== '--day5' && a !== '--skip-start')],
    { stdio: 'inherit' },
  );
  if (day5.status !== 0) process.exitCode = 1;
} else {
  console.log('Day 5 pipeline: not run (`npm run bench -- --day5`).');
}

if (args.includes('--preflight')) {
  // Needs the engine and the registries: each recipe's preflight (clients asked, sources probed).
  console.log('\nImage build preflight, per recipe');
  const preflight = spawnSync('node', [join(root, 'bench', 'preflight.js')], { stdio: 'inherit' });
  if (preflight.status !== 0) process.exitCode = 1;
} else {
  console.log('Image preflight: not run (`npm run bench -- --preflight`).');
}

if (args.includes('--class-grading')) {
  // Long (a whole class graded): npm run bench -- --class-grading [--learners 30] [--parallel 2] [--day day4]
  const forwarded = args.filter((a) => a !== '--class-grading' && a !== '--skip-start');
  const grading = spawnSync(
    'node',
    [
      join(root, 'bench', 'class-grading.js'),
      ...forwarded.filter(
        (a, i) =>
          ['--learners', '--parallel', '--day'].includes(a) ||
          ['--learners', '--parallel', '--day'].includes(forwarded[i - 1]),
      ),
    ],
    { stdio: 'inherit' },
  );
  if (grading.status !== 0) process.exitCode = 1;
} else {
  console.log('Class grading: not run (`npm run bench -- --class-grading --learners 30`).');
}

if (args.includes('--checks')) {
  // Long (each day's stack started, every exercise checked --runs times): npm run bench -- --checks [--days day2] [--runs 3] [--only id]
  const forwarded = args.filter((a) => a !== '--checks' && a !== '--skip-start');
  const names = ['--days', '--runs', '--only'];
  const checks = spawnSync(
    'node',
    [
      join(root, 'bench', 'checks.js'),
      ...forwarded.filter((a, i) => names.includes(a) || names.includes(forwarded[i - 1])),
    ],
    { stdio: 'inherit' },
  );
  if (checks.status !== 0) process.exitCode = 1;
} else {
  console.log('Check loop: not run (`npm run bench -- --checks --days day2,day3,day4,day5`).');
}

if (args.includes('--engines')) {
  // A class on one engine, then on a pool: npm run bench -- --engines default=1,<context>=1 [--day day7] [--learners 8] [--pool-runs 2]
  const names = ['--engines', '--day', '--learners', '--pool-runs'];
  const pool = spawnSync(
    'node',
    [join(root, 'bench', 'engines.js'), ...args.filter((a, i) => names.includes(a) || names.includes(args[i - 1]))],
    { stdio: 'inherit' },
  );
  if (pool.status !== 0) process.exitCode = 1;
} else {
  console.log('Engine pool: not run (`npm run bench -- --engines default=1,<context>=1`).');
}

if (args.includes('--carry-images')) {
  // A day's images carried to another engine, once: npm run bench -- --carry-images day5 --to unix:///run/e1.sock
  const names = ['--carry-images', '--to', '--prefix'];
  const carry = spawnSync(
    'node',
    [
      join(root, 'bench', 'engine-images.js'),
      ...args.filter((a, i) => names.includes(a) || names.includes(args[i - 1])),
    ],
    { stdio: 'inherit' },
  );
  if (carry.status !== 0) process.exitCode = 1;
} else {
  console.log('Image transfer: not run (`npm run bench -- --carry-images day5 --to <engine address>`).');
}

mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'latest.json'), JSON.stringify(results, null, 2));
console.log('\nSaved bench-results/latest.json');
