import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// day 5's generator runs with the confluent_kafka of the spark image: one `docker run` (no network,
// so the broker is never reached and librdkafka logs its connection failures) shows where they go.
const IMAGE = `${process.env.DE_LAB_IMAGE_PREFIX ?? 'de-lab'}/spark:4.0.0`;
// kafka_io is the Kafka helper days 4 and 5 share (labs/shared/gen), run where the days mount it.
const SHARED = join(import.meta.dirname, '..', '..', 'labs', 'shared', 'gen');

function imageThere(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SCRIPT = `
import kafka_io
p = kafka_io.producer()
p.produce("t", b"x")
p.poll(2.0)
print("kept", len(kafka_io.CLIENT_LOG))
print("tail", kafka_io.client_log_tail(1).count("last Kafka client log lines"))
`;

describe.skipIf(!imageThere())('day 5 generator: librdkafka log lines', () => {
  it('never reach the terminal between what gen says, and are kept for a failure', () => {
    const run = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${SHARED}:/opt/de-lab/shared:ro`,
        '-w',
        '/opt/de-lab/shared',
        '-e',
        'KAFKA_BOOTSTRAP=nohost:9092',
        '--entrypoint',
        'python3',
        IMAGE,
        '-c',
        SCRIPT,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/%\d\|/);
    expect(Number(/kept (\d+)/.exec(run.stdout)?.[1])).toBeGreaterThan(0);
    expect(run.stdout).toContain('tail 1');
  }, 60_000);
});
