#!/usr/bin/env node
// de-lab benchmarks. Prints medians (and min/max) of repeated runs; performance targets live
// here, not in timed tests. Usage: npm run bench [-- --runs 15 --start-runs 5 --skip-start]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'de-lab.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option('--runs', 15);
const startRuns = option('--start-runs', 5);

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;

function time(command, argv, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

function measure(label, fn, count) {
  fn(); // warm the file system cache; not counted
  const samples = Array.from({ length: count }, fn);
  return { label, runs: count, medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples) };
}

const results = { at: new Date().toISOString(), node: process.version, coldStart: [], start: undefined };

console.log(`CLI cold start, ${runs} runs each (median)`);
const bare = measure('node -e 0', () => time('node', ['-e', '0']), runs);
for (const row of [bare, measure('de-lab --version', () => time('node', [bin, '--version']), runs), measure('de-lab --help', () => time('node', [bin, '--help']), runs)]) {
  row.ratioToBareNode = row.medianMs / bare.medianMs;
  results.coldStart.push(row);
  console.log(`  ${row.label.padEnd(18)} ${ms(row.medianMs).padStart(10)}  (min ${ms(row.minMs)}, max ${ms(row.maxMs)})  ${(row.ratioToBareNode).toFixed(2)}x bare node`);
}
const worst = Math.max(...results.coldStart.slice(1).map((r) => r.ratioToBareNode));
console.log(`  target ≤ 2.50x bare node: ${worst <= 2.5 ? 'met' : 'NOT met'} (${worst.toFixed(2)}x)`);

if (!args.includes('--skip-start')) {
  // The same compose file both ways, from stopped (containers removed, volumes kept) to ready.
  const labs = join(root, 'test', 'fixtures', 'stacks');
  const compose = join(labs, 'day9', 'compose.yaml');
  const down = () => execFileSync('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'down', '--timeout', '2'], { stdio: 'ignore' });
  console.log(`\nStack start from stopped to ready, ${startRuns} runs each (median), fixture stack test/fixtures/stacks/day9`);
  const deLab = [];
  const plain = [];
  for (let i = 0; i < startRuns; i++) {
    down();
    plain.push(time('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'up', '-d', '--wait']));
    down();
    deLab.push(time('node', [bin, 'start', 'day9'], { DE_LAB_LABS_DIR: labs, CI: 'true' }));
  }
  down();
  execFileSync('docker', ['compose', '-p', 'de-lab-day9', '-f', compose, 'down', '-v'], { stdio: 'ignore' });
  results.start = { runs: startRuns, composeMedianMs: median(plain), deLabMedianMs: median(deLab), ratio: median(deLab) / median(plain) };
  console.log(`  docker compose up -d --wait ${ms(results.start.composeMedianMs).padStart(10)}`);
  console.log(`  de-lab start                ${ms(results.start.deLabMedianMs).padStart(10)}`);
  console.log(`  ratio ${results.start.ratio.toFixed(3)} (target ≤ 1.10: ${results.start.ratio <= 1.1 ? 'met' : 'NOT met'})`);
}

if (args.includes('--day4-latency')) {
  // Needs the day4 stack (`de-lab start day4`); prints p50/p95 of produce→sink latency.
  console.log('\nDay 4 end-to-end latency (parse-events reference, Kafka → Spark → Kafka)');
  const latency = spawnSync('node', [join(root, 'bench', 'day4-latency.js')], { stdio: 'inherit' });
  if (latency.status !== 0) process.exitCode = 1;
} else {
  console.log('\nDay 4 latency: not run (start day4, then `npm run bench -- --day4-latency`).');
}

if (args.includes('--class-grading')) {
  // Long (a whole class graded): npm run bench -- --class-grading [--learners 30] [--parallel 2] [--day day4]
  const forwarded = args.filter((a) => a !== '--class-grading' && a !== '--skip-start');
  const grading = spawnSync('node', [join(root, 'bench', 'class-grading.js'), ...forwarded.filter((a, i) => ['--learners', '--parallel', '--day'].includes(a) || ['--learners', '--parallel', '--day'].includes(forwarded[i - 1]))], { stdio: 'inherit' });
  if (grading.status !== 0) process.exitCode = 1;
} else {
  console.log('Class grading: not run (`npm run bench -- --class-grading --learners 30`).');
}

mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'latest.json'), JSON.stringify(results, null, 2));
console.log('\nSaved bench-results/latest.json');
