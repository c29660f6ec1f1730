import type { GraderCase } from './graders.js';

/** Which grader runs where, per fixture folder: the verdicts are in grader-cases.ts. */
const RUBY_FLUENT = ['ruby', '-e', 'require "fluent/config"'];
const PYTHON = ['python3', '--version'];
const PYARROW = ['python3', '-c', 'import pyarrow'];
// day5.py imports its Kafka helper (kafka_io from /opt/de-lab/shared, with confluent_kafka) before it
// reads an argument: only the spark image has both (the shared folder mounted as in compose.yaml).
const KAFKA_PY = ['python3', '-c', 'import sys; sys.path.insert(0, "/opt/de-lab/shared"); import kafka_io'];
const PLYWOOD = ['node', '-e', 'require("/usr/local/lib/node_modules/turnilo/node_modules/plywood")'];
// tail.rb loads day 2's driver from /opt/de-lab/day2lib, where only the fluentd image has it mounted.
const DAY2LIB = ['ruby', '-e', 'require "fluent/config"; exit(File.directory?("/opt/de-lab/day2lib"))'];

export type CaseShape = Omit<GraderCase, 'want'>;

/** The seed the fixtures were made with (day 2's pass fixtures are reference runs of the solutions). */
export const FIXTURE_SEED = '7';

export function shape(name: string, key: string): CaseShape {
  const [day, sub, outcome] = name.split('/') as [string, string, string];
  if (day === 'day2')
    return {
      name,
      key,
      day,
      service: 'fluentd',
      probe: RUBY_FLUENT,
      argv: [
        'ruby',
        '{gen}/day2.rb',
        'verify',
        sub,
        key,
        '--dir',
        '{fixture}',
        '--seed',
        FIXTURE_SEED,
        '--run-dir',
        '{fixture}/.de-lab-run',
      ],
    };
  if (day === 'day3')
    return {
      name,
      key,
      day,
      service: 'spark',
      probe: PYARROW,
      argv: ['python3', '{gen}/files.py', '{fixture}/result', '--files', '4', '--max-skew', '1.2'],
    };
  if (day === 'day4' && sub === 'state')
    return {
      name,
      key,
      day,
      service: 'spark',
      probe: PYTHON,
      argv: ['python3', '{gen}/state.py', '--checkpoint', '{fixture}/checkpoint', '--max-share', '0.7', '--verdict'],
    };
  if (day === 'day4')
    return {
      name,
      key,
      day,
      service: 'spark',
      probe: PYTHON,
      cwd: '{fixture}', // the sink log's part file paths are relative to it (Spark writes absolute ones)
      argv: [
        'python3',
        '{gen}/filesink.py',
        'checkpoint',
        '--sink',
        '{fixture}/out',
        '--checkpoint',
        '{fixture}/checkpoint',
        '--field',
        key,
        '--verdict',
      ],
    };
  if (sub === 'verify-raw-errors')
    return {
      name,
      key,
      day,
      service: 'spark',
      probe: KAFKA_PY,
      argv: [
        'python3',
        '{gen}/day5.py',
        'verify-raw',
        'errors',
        '--dir',
        '{fixture}',
        '--seed',
        FIXTURE_SEED,
        '--topic',
        'unread',
      ],
    };
  if (sub === 'tail-settings')
    return {
      name,
      key,
      day,
      service: 'fluentd',
      probe: DAY2LIB,
      argv: ['ruby', '{gen}/tail.rb', 'settings', '--conf', '{fixture}/fluent.conf'],
    };
  if (sub === 'turnilo-verify')
    return {
      name,
      key,
      day,
      service: 'turnilo',
      probe: PLYWOOD,
      argv: ['node', '{gen}/turnilo-probe.js', 'verify', key, '--in', '{fixture}/turnilo.json'],
    };
  throw new Error(`no grader for the fixture ${name} (${outcome})`);
}
