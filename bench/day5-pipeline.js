#!/usr/bin/env node
// Day 5: the whole reference pipeline in a stack of its own (project de-lab-bench-day5, a scratch
// workspace; the learner's day5 stack and files are never touched). Measures
//   - the time from `docker compose up -d --wait` (what `de-lab start day5` runs) to every
//     service healthy, median of --start-runs starts from stopped (containers removed, volumes kept);
//   - end-to-end latency: a line appended to a file Fluentd tails -> Kafka -> Spark (reference job,
//     --trigger-ms) -> Kafka -> Druid (reference supervisor) -> counted by Druid SQL; p50 and p95
//     over --events lines written at --rate per second (labs/day5/gen/latency.py);
//   - the stack's peak memory (sum over its containers, `docker stats` every 2 s) while it runs.
// Usage: node bench/day5-pipeline.js [--events 1000] [--rate 50] [--trigger-ms 500] [--start-runs 3]
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, option, median } from './lib.js';
import { courseSeed } from '../dist/course/seed.js';

const project = 'de-lab-bench-day5';
const compose = join(root, 'labs', 'day5', 'compose.yaml');
const seed = String(courseSeed());
const workspace = mkdtempSync(join(tmpdir(), 'de-lab-bench-day5-'));
const day = join(workspace, 'day5');
mkdirSync(day, { recursive: true });
chmodSync(day, 0o777);
const env = {
  ...process.env,
  DE_LAB_WORKSPACE: workspace,
  DE_LAB_IMAGE_PREFIX: process.env.DE_LAB_IMAGE_PREFIX || 'de-lab',
};
const dc = (...argv) =>
  execFileSync('docker', ['compose', '-p', project, '-f', compose, ...argv], { env, stdio: 'pipe' });
const container = (service) => dc('ps', '-q', service).toString().trim();
const exec = (service, argv, options = {}) =>
  execFileSync('docker', ['exec', ...(options.detach ? ['-d'] : []), container(service), ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });

const MIB = { B: 1 / 1048576, KiB: 1 / 1024, MiB: 1, GiB: 1024 };
const toMiB = (text) => {
  const m = /([\d.]+)\s*([KMG]i?B|B)/.exec(text);
  return m ? Number(m[1]) * (MIB[m[2].replace(/^([KMG])B$/, '$1iB')] ?? 1) : 0;
};
let peak = { totalMiB: 0, byService: {} };
function sampleMemory() {
  const ids = dc('ps', '-q').toString().trim().split('\n').filter(Boolean);
  if (!ids.length) return;
  const out = execFileSync('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...ids], {
    encoding: 'utf8',
  });
  const byService = {};
  for (const line of out.trim().split('\n')) {
    const [name, usage] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    byService[name.replace(`${project}-`, '').replace(/-1$/, '')] = Math.round(toMiB(usage.split('/')[0]));
  }
  const totalMiB = Object.values(byService).reduce((a, b) => a + b, 0);
  if (totalMiB > peak.totalMiB) peak = { totalMiB, byService };
}

const results = { at: new Date().toISOString(), startToReadyMs: [], latency: undefined, peakMemory: undefined };
try {
  const startRuns = Number(option('--start-runs', 3));
  for (let i = 0; i < startRuns; i++) {
    if (i > 0) dc('down', '--timeout', '10'); // keep volumes: a restart, as a learner's next morning
    const started = Date.now();
    dc('up', '-d', '--wait');
    results.startToReadyMs.push(Date.now() - started);
    console.log(`start ${i + 1}: every service healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const sampler = setInterval(() => {
    try {
      sampleMemory();
    } catch {
      /* a sample lost is not a failure */
    }
  }, 2000);

  // The reference stages: Fluentd (fluent.conf), the Spark job (live, --trigger-ms), the supervisor.
  const fluentDir = join(day, 'bench-fluentd');
  mkdirSync(join(fluentDir, 'incoming'), { recursive: true });
  cpSync(
    join(root, 'labs', 'day5', 'exercises', 'fluentd-to-kafka', 'solution', 'fluent.conf'),
    join(fluentDir, 'fluent.conf'),
  );
  execFileSync('chmod', ['-R', 'a+rwX', day]);
  exec('spark', ['python3', '/opt/de-lab/gen/day5.py', 'gen', '--seed', seed, '--events', '1', '--feed', 'raw']); // topics + movies.csv
  exec('spark', [
    'python3',
    '-c',
    'import sys; sys.path.insert(0, "/opt/de-lab/shared"); import kafka_io; kafka_io.ensure(["ratings-enriched"])',
  ]);
  exec('fluentd', ['ruby', '/opt/de-lab/gen/tail.rb', 'run', '--dir', '/lab/day5/bench-fluentd']);
  exec(
    'spark',
    [
      'spark-submit',
      '/opt/de-lab/gen/pipeline.py',
      'live',
      '--job',
      '/opt/de-lab/reference/spark-enrich/enrich_ratings.py',
      '--dir',
      '/lab/day5/bench-spark',
      '--trigger-ms',
      option('--trigger-ms', 500),
    ],
    { detach: true },
  );
  exec('spark', ['python3', '/opt/de-lab/gen/day5.py', 'gen', '--seed', seed, '--events', '1', '--feed', 'druid']);
  // Warm up: the first events open Druid's segment for the hour and start the Spark query.
  console.log('warming up (the supervisor task and the Spark query start)…');
  exec('spark', [
    'python3',
    '/opt/de-lab/gen/latency.py',
    '--file',
    '/lab/day5/bench-fluentd/incoming/warmup.log',
    '--events',
    '20',
    '--rate',
    '10',
    '--timeout',
    '240',
  ]);
  const events = option('--events', 1000);
  const rate = option('--rate', 50);
  console.log(`measuring: ${events} lines at ${rate}/s…`);
  const line = exec('spark', [
    'python3',
    '/opt/de-lab/gen/latency.py',
    '--file',
    '/lab/day5/bench-fluentd/incoming/warmup.log',
    '--events',
    events,
    '--rate',
    rate,
    '--timeout',
    '240',
  ])
    .trim()
    .split('\n')
    .pop();
  results.latency = JSON.parse(line);
  sampleMemory();
  clearInterval(sampler);
  results.peakMemory = peak;
} finally {
  try {
    dc('down', '-v', '--timeout', '10');
  } catch (error) {
    console.error(`could not remove ${project}: ${error}`);
  }
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`\nDay 5 pipeline (project ${project})`);
console.log(
  `  start to ready (docker compose up -d --wait), median of ${results.startToReadyMs.length}: ${s(median(results.startToReadyMs))}  (${results.startToReadyMs.map(s).join(', ')}; the first from no containers)`,
);
const l = results.latency;
console.log(
  `  latency, line appended -> counted by Druid SQL: p50 ${s(l.p50Ms)}, p95 ${s(l.p95Ms)}, max ${s(l.maxMs)} over ${l.arrived} of ${l.events} events at ${l.rate}/s  (goal p95 ≤ 5 s: ${l.p95Ms <= 5000 ? 'met' : 'NOT met'})`,
);
if (l.stages)
  console.log(
    `  by stage (p50 / p95): append -> ratings-raw (Fluentd) ${s(l.stages.fluentd.p50Ms)} / ${s(l.stages.fluentd.p95Ms)}, ratings-raw -> ratings-enriched (Spark) ${s(l.stages.spark.p50Ms)} / ${s(l.stages.spark.p95Ms)}; the rest is Druid`,
  );
console.log(
  `  peak memory ${results.peakMemory.totalMiB} MiB (budget 4096: ${results.peakMemory.totalMiB <= 4096 ? 'met' : 'NOT met'}): ${Object.entries(
    results.peakMemory.byService,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'day5.json'), JSON.stringify(results, null, 2));
console.log('Saved bench-results/day5.json');
if (l.arrived < l.events) process.exitCode = 1;
