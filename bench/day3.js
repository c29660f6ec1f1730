#!/usr/bin/env node
// Day 3 tuning benchmark: for each tuning exercise, the starter's and the reference solution's job
// time (median of --runs runs each) on the same seeded data, in the running day3 stack
// (`de-lab start day3`). Job time = the wall time of the exercise's Spark SQL queries, read from
// the job's event log (SQL execution start → end), so the JVM and Python start-up are left out;
// for partition-pruning and bucketing only the report query counts (their reference spends more
// when it writes the table, to make every later query cheaper: that is the trade).
// Usage: node bench/day3.js [--runs 3] [--rows 3000000] [--skew 0.75] [--only skew-join,cache-reuse] [--project de-lab-day3]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, args, option, median } from './lib.js';
import { courseSeed } from '../dist/course/seed.js';

const project = option('--project', 'de-lab-day3');
const runs = Number(option('--runs', 3));
const rows = Number(option('--rows', 3_000_000));
const skew = args.includes('--skew') ? ['--skew', option('--skew', '')] : [];
const NO_BROADCAST = ['--conf', 'spark.sql.autoBroadcastJoinThreshold=-1'];
const EXERCISES = [
  { id: 'partitions', file: 'partitions.py', measure: 'all', conf: [] },
  { id: 'skew-join', file: 'skew_join.py', measure: 'all', conf: NO_BROADCAST },
  { id: 'broadcast-join', file: 'broadcast_join.py', measure: 'all', conf: NO_BROADCAST },
  { id: 'cache-reuse', file: 'cache_reuse.py', measure: 'all', conf: [] },
  { id: 'partition-pruning', file: 'partition_pruning.py', measure: 'last', conf: [] },
  { id: 'bucketing', file: 'bucketing.py', measure: 'last', conf: NO_BROADCAST },
];
const only = args.includes('--only') ? option('--only', '').split(',') : undefined;

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
    `The day3 stack (${project}) is not running: start it with \`node bin/de-lab.js start day3\`, then run this again.`,
  );
  process.exit(1);
}
const exec = (argv, options = {}) =>
  execFileSync('docker', ['exec', container, ...argv], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
const base = '/tmp/de-lab-bench-day3';
exec(['sh', '-c', `rm -rf ${base} && mkdir -p ${base}`]);
console.log(
  `Day 3 tuning: starter vs reference, median of ${runs} runs, ${rows.toLocaleString('en')} sales rows (seed ${courseSeed()})`,
);
const gen = JSON.parse(
  exec([
    'python3',
    '/opt/de-lab/gen/data.py',
    '--seed',
    String(courseSeed()),
    '--out',
    `${base}/data`,
    '--rows',
    String(rows),
    ...skew,
    '--summary-json',
  ])
    .trim()
    .split('\n')
    .pop(),
);
console.log(`  data generated in ${gen.seconds} s`);

/** Seconds the app's SQL queries ran (execution start → end), all of them or only the last. */
function queryTime(log, measure) {
  const spans = new Map();
  for (const line of log.split('\n')) {
    if (!line.includes('SparkListenerSQLExecution')) continue;
    const event = JSON.parse(line);
    if (event.Event.endsWith('SQLExecutionStart')) spans.set(event.executionId, { start: event.time });
    else if (event.Event.endsWith('SQLExecutionEnd') && spans.has(event.executionId))
      spans.get(event.executionId).end = event.time;
  }
  const done = [...spans.entries()].filter(([, s]) => s.end !== undefined).sort((a, b) => a[0] - b[0]);
  const chosen = measure === 'last' ? done.slice(-1) : done;
  // Nested executions (a write wraps its query) overlap: count the union of the intervals.
  const intervals = chosen.map(([, s]) => [s.start, s.end]).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let until = -Infinity;
  for (const [start, end] of intervals) {
    if (end <= until) continue;
    total += end - Math.max(start, until);
    until = end;
  }
  return total / 1000;
}

const results = { at: new Date().toISOString(), rows, runs, exercises: [] };
for (const ex of EXERCISES.filter((e) => !only || only.includes(e.id))) {
  const row = { id: ex.id, measure: ex.measure };
  for (const role of ['starter', 'solution']) {
    const dir = `${base}/${ex.id}/${role}`;
    exec(['mkdir', '-p', dir]);
    execFileSync('docker', [
      'cp',
      join(root, 'labs', 'day3', 'exercises', ex.id, role, ex.file),
      `${container}:${dir}/${ex.file}`,
    ]);
    const times = [];
    const walls = [];
    for (let i = 0; i < runs; i++) {
      const tag = `bench-${ex.id}-${role}-${i}-${Date.now()}`;
      const started = Date.now();
      const run = spawnSync(
        'docker',
        [
          'exec',
          '-w',
          dir,
          container,
          'spark-submit',
          '--conf',
          `spark.delab.run=${tag}`,
          ...ex.conf,
          ex.file,
          '--data',
          `${base}/data`,
          '--out',
          `${dir}/out`,
        ],
        { encoding: 'utf8', timeout: 20 * 60_000 },
      );
      walls.push((Date.now() - started) / 1000);
      if (run.status !== 0) {
        console.error(
          run.stderr
            .split('\n')
            .filter((l) => l.trim() && !/^\s+at |WARN/.test(l))
            .slice(-10)
            .join('\n'),
        );
        throw new Error(`${ex.id} ${role} failed (exit ${run.status})`);
      }
      const file = exec(['sh', '-c', `grep -l -F '${tag}' /opt/spark-events/* | grep -v inprogress | head -1`]).trim();
      times.push(queryTime(exec(['cat', file]), ex.measure));
    }
    row[role] = { medianS: median(times), samplesS: times, wallMedianS: median(walls) };
  }
  row.ratio = row.starter.medianS / row.solution.medianS;
  results.exercises.push(row);
  console.log(
    `  ${ex.id.padEnd(18)} starter ${row.starter.medianS.toFixed(1).padStart(6)} s   reference ${row.solution.medianS.toFixed(1).padStart(6)} s   ${row.ratio.toFixed(2)}x   (spark-submit wall: ${row.starter.wallMedianS.toFixed(0)} s vs ${row.solution.wallMedianS.toFixed(0)} s${ex.measure === 'last' ? '; report query only' : ''})`,
  );
}
exec(['rm', '-rf', base]);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', 'day3-tuning.json'), JSON.stringify(results, null, 2) + '\n');
console.log('Saved bench-results/day3-tuning.json');
