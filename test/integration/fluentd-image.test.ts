import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, repoRoot } from '../helpers/cli.js';
import {
  Cleanup,
  docker,
  dockerOk,
  pollUntil,
  sharedTempDir,
  smokeName,
  waitHealthy,
} from '../helpers/smoke-docker.js';

/**
 * The de-lab/fluentd image for real (built once by global-setup; with DE_LAB_PACKAGES from the
 * offline package folder): in_http → out_file, in_tail of a file appended while it is tailed, and
 * out_kafka2 into the project's Kafka image. Buffers flush on SIGUSR1 (fluentd's "flush now"
 * signal, which tini passes on), and every wait is on a condition: no fixed sleeps.
 */

const version = (name: string) =>
  (parse(readFileSync(join(repoRoot, 'labs', 'images', name, 'image.yaml'), 'utf8')) as { version: string }).version;
const FLUENTD = `de-lab/fluentd:${version('fluentd')}`;
const KAFKA = `de-lab/kafka:${version('kafka')}`;
const EVENTS = 1000;
// gc removes de-lab.managed=true containers outside a stack; these are the test's own.
const LABELS = ['--label', 'de-lab.managed=false', '--label', 'de-lab.test=smoke'];

const cleanup = new Cleanup();
afterAll(async () => {
  await cleanup.run();
}, 120_000);

beforeAll(async () => {
  // Cache hit after global-setup; fails (instead of skipping) when the image cannot be built here.
  const built = await deLab(['images', 'build', 'fluentd'], { timeout: 30 * 60_000 });
  expect(
    built.exitCode,
    `de-lab images build fluentd failed (give the offline package folder with DE_LAB_PACKAGES):\n${built.stderr}`,
  ).toBe(0);
}, 35 * 60_000);

/** A fluentd container with `conf` as its config; the host folder `dir` is /fluentd/smoke. */
async function startFluentd(conf: string, extra: string[] = []): Promise<{ name: string; dir: string; port: number }> {
  const dir = cleanup.dir(sharedTempDir('de-lab-smoke-fluentd-'));
  for (const sub of ['out', 'in', 'pos']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777); // fluentd runs as uid 999
  }
  writeFileSync(join(dir, 'fluent.conf'), MONITOR + conf);
  const name = cleanup.container(smokeName('fluentd'));
  await dockerOk([
    'run',
    '-d',
    '--name',
    name,
    ...LABELS,
    '--health-interval',
    '1s',
    ...extra,
    '-p',
    '127.0.0.1::9880',
    '-v',
    `${dir}:/fluentd/smoke`,
    '-e',
    'FLUENTD_CONF=/fluentd/smoke/fluent.conf',
    FLUENTD,
  ]);
  await waitHealthy(name, 120_000);
  const port = Number((await dockerOk(['port', name, '9880/tcp'])).stdout.trim().split('\n')[0]!.split(':').at(-1));
  return { name, dir, port };
}

function post(port: number, path: string, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Posts events n = 1…count, 10 at a time; every answer must be 200. */
async function postEvents(port: number, tag: string, count: number): Promise<void> {
  const statuses: number[] = [];
  for (let start = 1; start <= count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start + 1) }, (_, i) => start + i);
    statuses.push(...(await Promise.all(batch.map((n) => post(port, `/${tag}`, { n, msg: `event-${n}` })))));
  }
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(statuses).toHaveLength(count);
}

/** The JSON lines of every *.log file fluentd's out_file wrote into `out`. */
function outputRecords(out: string): Array<Record<string, unknown>> {
  return readdirSync(out)
    .filter((f) => f.endsWith('.log'))
    .flatMap((f) =>
      readFileSync(join(out, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== ''),
    )
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The n of each record, sorted, must be exactly 1…count (no loss, no duplicate). */
function expectEachOnce(ns: number[], count: number): void {
  const sorted = [...ns].sort((a, b) => a - b);
  const dupes = sorted.filter((n, i) => i > 0 && sorted[i - 1] === n);
  expect(dupes.slice(0, 5), 'duplicated records').toEqual([]);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !sorted.includes(n));
  expect(missing.slice(0, 5), 'missing records').toEqual([]);
  expect(sorted).toHaveLength(count);
}

async function flush(container: string): Promise<void> {
  await dockerOk(['kill', '-s', 'USR1', container]);
}

describe('image smoke: fluentd', () => {
  it("runs 1.18.0 with fluent-plugin-kafka on Debian's gems (GEM_HOME only), as the fluent user", async () => {
    const info = await dockerOk([
      'run',
      '--rm',
      ...LABELS,
      FLUENTD,
      'sh',
      '-c',
      'id -un; fluentd --version; fluent-gem list --local; echo "GEM_PATH=${GEM_PATH:-unset}"',
    ]);
    expect(info.stdout).toMatch(/^fluent$/m);
    expect(info.stdout).toMatch(/^fluentd 1\.18\.0/m);
    for (const gem of [
      'fluentd \\(1\\.18\\.0\\)',
      'fluent-plugin-kafka \\(0\\.19\\.3\\)',
      'ruby-kafka \\(1\\.5\\.0\\)',
      'msgpack \\(',
      'cool\\.io \\(',
    ])
      expect(info.stdout).toMatch(new RegExp(`^${gem}`, 'm'));
    expect(info.stdout).toContain('GEM_PATH=unset');
  });

  it('in_http → out_file: 1,000 events posted, 1,000 records in the file, each once', async () => {
    const { name, dir, port } = await startFluentd(HTTP_TO_FILE);
    await postEvents(port, 'smoke.http', EVENTS);
    // The buffer flushes once an hour by itself: nothing is written until SIGUSR1.
    expect(outputRecords(join(dir, 'out'))).toHaveLength(0);
    await flush(name);
    const records = await pollUntil(
      '1,000 records in /fluentd/out',
      async () => {
        const found = outputRecords(join(dir, 'out'));
        return found.length >= EVENTS ? found : undefined;
      },
      60_000,
    );
    expect(records[0]).toMatchObject({ tag: 'smoke.http', msg: expect.stringMatching(/^event-\d+$/) });
    expectEachOnce(
      records.map((r) => r.n as number),
      EVENTS,
    );
  });

  it('in_tail: lines appended in ten bursts while the file is tailed all arrive, none twice', async () => {
    const dir0 = cleanup.dir(sharedTempDir('de-lab-smoke-tail-'));
    const log = join(dir0, 'app.log');
    const line = (n: number) => `${JSON.stringify({ n, msg: `line-${n}` })}\n`;
    // 100 lines before fluentd starts (read_from_head), 900 more in bursts while it tails.
    writeFileSync(log, Array.from({ length: 100 }, (_, i) => line(i + 1)).join(''));
    chmodSync(log, 0o644);
    const { name, dir } = await startFluentd(TAIL_TO_FILE, ['-v', `${dir0}:/fluentd/in:ro`]);
    const posFile = join(dir, 'pos', 'app.pos');
    /** in_tail's own position (pos_file: path, hex offset, hex inode): how far it has read. */
    const readUpTo = () =>
      existsSync(posFile) ? parseInt(readFileSync(posFile, 'utf8').trim().split('\t')[1] ?? '0', 16) : 0;
    let size = readFileSync(log).length;
    await pollUntil(
      'in_tail to read the first 100 lines',
      async () => (readUpTo() === size ? true : undefined),
      60_000,
    );
    for (let burst = 0; burst < 9; burst += 1) {
      const first = 101 + burst * 100;
      appendFileSync(log, Array.from({ length: 100 }, (_, i) => line(first + i)).join(''));
      size = readFileSync(log).length;
      // Each burst is appended only after in_tail has read the previous one: the file grows under it.
      await pollUntil(
        `in_tail to read up to line ${first + 99}`,
        async () => (readUpTo() === size ? true : undefined),
        60_000,
      );
    }
    await flush(name);
    const records = await pollUntil(
      '1,000 tailed records in /fluentd/out',
      async () => {
        const found = outputRecords(join(dir, 'out'));
        return found.length >= EVENTS ? found : undefined;
      },
      60_000,
    );
    expect(records[0]).toMatchObject({ tag: 'smoke.tail', msg: expect.stringMatching(/^line-\d+$/) });
    expectEachOnce(
      records.map((r) => r.n as number),
      EVENTS,
    );
  });

  it("out_kafka2 → the project's Kafka image: 1,000 events posted, 1,000 records consumed back, each exactly once", async () => {
    const network = cleanup.network(smokeName('net'));
    const kafka = cleanup.container(smokeName('kafka'));
    const topic = `fluentd-smoke-${Date.now().toString(36)}`;
    await dockerOk(['network', 'create', '--label', 'de-lab.test=smoke', network]);
    await dockerOk([
      'run',
      '-d',
      '--name',
      kafka,
      '--network',
      network,
      ...LABELS,
      '-e',
      `KAFKA_INTERNAL_HOST=${kafka}`,
      '-e',
      'KAFKA_EXTERNAL_HOST=localhost',
      '-e',
      'KAFKA_EXTERNAL_PORT=29092',
      '-e',
      'KAFKA_NUM_PARTITIONS=3',
      '-e',
      'KAFKA_HEAP_OPTS=-Xmx384m -Xms384m',
      '--health-interval',
      '2s',
      '--memory',
      '768m',
      KAFKA,
    ]);
    await waitHealthy(kafka, 180_000);
    await dockerOk([
      'exec',
      kafka,
      'kafka-topics.sh',
      '--bootstrap-server',
      '127.0.0.1:9094',
      '--create',
      '--topic',
      topic,
      '--partitions',
      '3',
      '--replication-factor',
      '1',
    ]);

    const { name, port } = await startFluentd(HTTP_TO_KAFKA(`${kafka}:9092`, topic), ['--network', network]);
    await postEvents(port, 'smoke.kafka', EVENTS);
    const endOffsets = async () => {
      const offsets = await docker([
        'exec',
        kafka,
        'kafka-get-offsets.sh',
        '--bootstrap-server',
        '127.0.0.1:9094',
        '--topic',
        topic,
        '--time',
        '-1',
      ]);
      return offsets.stdout
        .trim()
        .split('\n')
        .reduce((sum, l) => sum + Number(l.split(':')[2] ?? 0), 0);
    };
    // Held in fluentd's buffer (flush_interval 1h) until SIGUSR1.
    expect(await endOffsets()).toBe(0);
    await flush(name);
    // The broker's count: the end offsets of the three partitions add up to exactly 1,000.
    const total = await pollUntil(
      '1,000 records in the topic',
      async () => {
        const sum = await endOffsets();
        return sum >= EVENTS ? sum : undefined;
      },
      90_000,
    );
    expect(total).toBe(EVENTS);
    const consumed = await dockerOk([
      'exec',
      kafka,
      'kafka-console-consumer.sh',
      '--bootstrap-server',
      '127.0.0.1:9094',
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(EVENTS),
      '--timeout-ms',
      '60000',
    ]);
    expect(consumed.stderr).toContain(`Processed a total of ${EVENTS} messages`);
    const lines = consumed.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const records = lines.map((l) => JSON.parse(l) as { n: number; msg: string; tag?: string });
    expect(records[0]).toMatchObject({ msg: expect.stringMatching(/^event-\d+$/) });
    expectEachOnce(
      records.map((r) => r.n),
      EVENTS,
    );
    const logs = await docker(['logs', name]);
    expect(logs.stdout + logs.stderr).not.toMatch(/\[error\]/);
  });
});

// ---- configurations -----------------------------------------------------------------------------

const MONITOR = `
<source>
  @type monitor_agent
  bind 0.0.0.0
  port 24220
</source>
`;

const HTTP_IN = `
<source>
  @type http
  bind 0.0.0.0
  port 9880
  <parse>
    @type json
  </parse>
</source>
`;

/** A file buffer that flushes once an hour, i.e. only on SIGUSR1 (or at shutdown). */
const FILE_OUT = (path: string) => `
  @type file
  path /fluentd/smoke/out/${path}
  append true
  <format>
    @type json
  </format>
  <inject>
    tag_key tag
  </inject>
  <buffer>
    @type file
    path /fluentd/buffer/${path}
    flush_mode interval
    flush_interval 1h
  </buffer>
`;

const HTTP_TO_FILE = `${HTTP_IN}
<match smoke.**>${FILE_OUT('events')}</match>
`;

const TAIL_TO_FILE = `${HTTP_IN}
<source>
  @type tail
  path /fluentd/in/app.log
  pos_file /fluentd/smoke/pos/app.pos
  tag smoke.tail
  read_from_head true
  refresh_interval 1
  <parse>
    @type json
  </parse>
</source>
<match smoke.**>${FILE_OUT('tailed')}</match>
`;

const HTTP_TO_KAFKA = (brokers: string, topic: string) => `${HTTP_IN}
<match smoke.**>
  @type kafka2
  brokers ${brokers}
  default_topic ${topic}
  required_acks -1
  <format>
    @type json
  </format>
  <buffer topic>
    @type memory
    flush_interval 1h
  </buffer>
</match>
`;
