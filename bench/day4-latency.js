#!/usr/bin/env node
// Day 4 end-to-end latency of the parse-events reference solution: produce -> Kafka -> Spark
// Structured Streaming (processing-time trigger) -> Kafka. Needs the day4 stack running
// (`de-lab start day4`). Runs labs/day4/bench/latency.py with spark-submit in its spark container.
// Usage: node bench/day4-latency.js [--events 1000] [--rate 100] [--trigger-ms 200]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, option } from './lib.js';

const project = option('--project', 'de-lab-day4');

const container = execFileSync(
  'docker',
  [
    'ps',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    'label=com.docker.compose.service=spark',
    '--filter',
    'status=running',
  ],
  { encoding: 'utf8' },
)
  .trim()
  .split('\n')[0];
if (!container) {
  console.error(
    `The day4 stack (${project}) is not running: start it with \`node bin/de-lab.js start day4\`, then run this again.`,
  );
  process.exit(1);
}
const solution = join(root, 'labs', 'day4', 'exercises', 'parse-events', 'solution', 'parse_events.py');
execFileSync('docker', ['exec', container, 'mkdir', '-p', '/tmp/de-lab-bench']);
execFileSync('docker', ['cp', solution, `${container}:/tmp/de-lab-bench/parse_events.py`]);
const argv = [
  'exec',
  container,
  'spark-submit',
  '--conf',
  'spark.eventLog.enabled=false',
  '/opt/de-lab/bench/latency.py',
  '--job',
  '/tmp/de-lab-bench/parse_events.py',
  '--events',
  option('--events', 1000),
  '--rate',
  option('--rate', 100),
  '--trigger-ms',
  option('--trigger-ms', 200),
];
console.error(`$ docker ${argv.join(' ')}`);
const run = spawnSync('docker', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
const line = run.stdout
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .pop();
if (run.status !== 0 || !line) {
  console.error(
    run.stderr
      .split('\n')
      .filter((l) => l.trim() && !/^\s+at |WARN/.test(l))
      .slice(-15)
      .join('\n'),
  );
  console.error(`latency.py failed (exit ${run.status}).`);
  process.exit(1);
}
const result = { at: new Date().toISOString(), job: 'day4/parse-events (reference)', ...JSON.parse(line) };
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'day4-latency.json'), JSON.stringify(result, null, 2) + '\n');
console.log(
  `day4 produce→sink latency over ${result.received}/${result.events} events at ${result.rate}/s, trigger ${result.triggerMs} ms: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms`,
);
