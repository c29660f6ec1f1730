import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { httpJson } from '../helpers/http.js';
import { describeTurnilo } from '../helpers/turnilo-suite.js';

/**
 * The de-lab/druid image for real: the whole small cluster starts in one container within a
 * small memory budget, answers SQL through the router, ingests a batch (native index_parallel
 * task with inline data; the image has no SQL-based ingestion, see labs/images/druid/image.yaml)
 * and a Kafka topic (supervisor, reading a de-lab/kafka container on a private network), and
 * the SQL counts must match what went in exactly.
 */

const recipe = (name: string) =>
  parse(readFileSync(join(repoRoot, 'labs', 'images', name, 'image.yaml'), 'utf8')) as { version: string };
const DRUID = `de-lab/druid:${recipe('druid').version}`;
const KAFKA = `de-lab/kafka:${recipe('kafka').version}`;

const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const network = `druid-smoke-net-${id}`;
const druid = `druid-smoke-${id}`;
const kafka = `druid-smoke-kafka-${id}`;
// Containers inherit the de-lab.managed=true label of de-lab's images, and `de-lab gc` (which
// other tests run) removes every such container outside a day's stack: say these are not its.
const NOT_GC = ['--label', 'de-lab.managed=false', '--label', 'de-lab.test=druid-smoke'];

/** Batch rows: 7 events of 4 users, one day. */
const BATCH = [
  { ts: '2024-05-01T10:00:00Z', user: 'ana', n: 1 },
  { ts: '2024-05-01T10:05:00Z', user: 'ben', n: 2 },
  { ts: '2024-05-01T10:10:00Z', user: 'ana', n: 3 },
  { ts: '2024-05-01T11:00:00Z', user: 'cho', n: 4 },
  { ts: '2024-05-01T11:30:00Z', user: 'dan', n: 5 },
  { ts: '2024-05-01T12:00:00Z', user: 'ben', n: 6 },
  { ts: '2024-05-01T12:30:00Z', user: 'ana', n: 7 },
];
/** Kafka records: 120 events of 6 users over the last two minutes. */
const KAFKA_RECORDS = 120;
const KAFKA_USERS = 6;

async function docker(args: string[], options: { input?: string; timeout?: number } = {}) {
  const result = await execa('docker', args, {
    reject: false,
    timeout: options.timeout ?? 120_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function dockerOk(args: string[], options: { input?: string; timeout?: number } = {}) {
  const result = await docker(args, options);
  if (result.exitCode !== 0)
    throw new Error(`docker ${args.join(' ')} failed (${result.exitCode}): ${result.stderr.trim()}`);
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the container's health check passes; fails early (with its log) if it exits or turns unhealthy. */
async function waitHealthy(name: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const state = (
      await docker(['inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', name])
    ).stdout.trim();
    if (state === 'running healthy') return Date.now() - started;
    if (!state.startsWith('running') || state.endsWith('unhealthy') || Date.now() - started > timeoutMs) {
      const logs = await docker(['logs', '--tail', '60', name]);
      throw new Error(
        `${name} did not become healthy (state "${state}" after ${Math.round((Date.now() - started) / 1000)} s):\n${logs.stdout}${logs.stderr}`,
      );
    }
    await sleep(2000);
  }
}

/** Polls `probe` until it returns a value other than undefined, or throws with `what` after the deadline. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

let router = '';

const http = (method: 'GET' | 'POST', path: string, body?: unknown) => httpJson(router, method, path, body);

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const result = await http('POST', '/druid/v2/sql', { query });
  if (result.status !== 200) throw new Error(`SQL ${query} → HTTP ${result.status}: ${result.text.slice(0, 500)}`);
  return result.json as T[];
}

/** Rows of a query once the datasource is queryable; undefined while Druid says it does not exist. */
async function sqlOnceThere<T = Record<string, unknown>>(query: string): Promise<T[] | undefined> {
  const result = await http('POST', '/druid/v2/sql', { query });
  if (result.status === 200) return result.json as T[];
  if (result.status === 400 && /not found/i.test(result.text)) return undefined;
  throw new Error(`SQL ${query} → HTTP ${result.status}: ${result.text.slice(0, 500)}`);
}

async function taskStatus(taskId: string): Promise<string> {
  const result = await http('GET', `/druid/indexer/v1/task/${encodeURIComponent(taskId)}/status`);
  return (
    (result.json as { status?: { statusCode?: string } } | undefined)?.status?.statusCode ?? `HTTP ${result.status}`
  );
}

async function taskLog(taskId: string): Promise<string> {
  return (await http('GET', `/druid/indexer/v1/task/${encodeURIComponent(taskId)}/log`)).text.slice(-4000);
}

afterAll(async () => {
  for (const name of [druid, kafka]) await docker(['rm', '-f', '-v', name]);
  await docker(['network', 'rm', network]);
}, 120_000);

describe('druid image', () => {
  let healthyAfterMs = 0;

  beforeAll(async () => {
    await dockerOk(['image', 'inspect', '-f', '{{.Id}}', DRUID]);
    await dockerOk(['network', 'create', '--label', 'de-lab.test=druid-smoke', network]);
    // The small budget the recipe is sized for; router on a random loopback port of the host.
    await dockerOk([
      'run',
      '-d',
      '--name',
      druid,
      '--network',
      network,
      // Turnilo (describeTurnilo below) reaches the router as druid:8888, as in day 5.
      '--network-alias',
      'druid',
      ...NOT_GC,
      '--memory',
      '3g',
      '--memory-swap',
      '3g',
      '-p',
      '127.0.0.1::8888',
      DRUID,
    ]);
    // Kafka starts alongside (as in labs/day4/compose.yaml); Druid's tasks reach it as kafka:9092.
    await dockerOk([
      'run',
      '-d',
      '--name',
      kafka,
      '--network',
      network,
      '--network-alias',
      'kafka',
      ...NOT_GC,
      '-e',
      'KAFKA_INTERNAL_HOST=kafka',
      '-e',
      'KAFKA_HEAP_OPTS=-Xmx384m -Xms384m',
      '--memory',
      '768m',
      '--memory-swap',
      '768m',
      '--health-interval',
      '2s',
      KAFKA,
    ]);
    const port = (await dockerOk(['port', druid, '8888/tcp'])).stdout.trim().split('\n')[0]!;
    router = `http://${port}`;
  }, 120_000);

  it('becomes healthy within the memory budget, as non-root, and answers SQL through the router', async () => {
    healthyAfterMs = await waitHealthy(druid, 6 * 60_000);
    console.log(`[druid] healthy after ${Math.round(healthyAfterMs / 1000)} s`);

    const user = await dockerOk(['exec', druid, 'sh', '-c', 'id -u; id -un']);
    expect(user.stdout.trim().split('\n')).toEqual(['1001', 'druid']);

    expect(await sql('SELECT 1 + 1 AS two')).toEqual([{ two: 2 }]);

    const status = (await http('GET', '/status')).json as { version: string; modules: Array<{ artifact: string }> };
    expect(status.version).toBe(recipe('druid').version);
    const artifacts = new Set(status.modules.map((module) => module.artifact));
    expect(artifacts).toContain('druid-kafka-indexing-service');
    expect(artifacts).toContain('druid-datasketches');
  });

  it('ingests a batch with a native index_parallel task and counts it exactly in SQL', async () => {
    const submitted = await http('POST', '/druid/indexer/v1/task', {
      type: 'index_parallel',
      spec: {
        dataSchema: {
          dataSource: 'smoke',
          timestampSpec: { column: 'ts', format: 'iso' },
          dimensionsSpec: { dimensions: ['user', { type: 'long', name: 'n' }] },
          granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
        },
        ioConfig: {
          type: 'index_parallel',
          inputSource: { type: 'inline', data: BATCH.map((row) => JSON.stringify(row)).join('\n') },
          inputFormat: { type: 'json' },
        },
        tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: 1 },
      },
    });
    expect(submitted.status, submitted.text).toBe(200);
    const taskId = (submitted.json as { task: string }).task;

    const final = await eventually(`task ${taskId}`, 4 * 60_000, async () => {
      const code = await taskStatus(taskId);
      return code === 'RUNNING' || code === 'WAITING' || code === 'PENDING' || code.startsWith('HTTP')
        ? undefined
        : code;
    });
    expect(final, final === 'SUCCESS' ? '' : await taskLog(taskId)).toBe('SUCCESS');

    // One day, so one segment: once the broker knows the datasource, all of it is there.
    const counted = await eventually('the smoke datasource to become queryable', 2 * 60_000, () =>
      sqlOnceThere<{ rows: number }>('SELECT COUNT(*) AS "rows" FROM smoke'),
    );
    expect(counted).toEqual([{ rows: BATCH.length }]);

    const [summary] = await sql<{ users: number; total: number; first: string }>(
      `SELECT APPROX_COUNT_DISTINCT_DS_THETA("user") AS users, SUM(n) AS total, MIN(__time) AS "first" FROM smoke`,
    );
    expect(summary).toEqual({ users: 4, total: 28, first: '2024-05-01T10:00:00.000Z' });
    const perUser = await sql<{ user: string; events: number }>(
      'SELECT "user", COUNT(*) AS events FROM smoke GROUP BY 1 ORDER BY 1',
    );
    expect(perUser).toEqual([
      { user: 'ana', events: 3 },
      { user: 'ben', events: 2 },
      { user: 'cho', events: 1 },
      { user: 'dan', events: 1 },
    ]);
  });

  it(`ingests ${KAFKA_RECORDS} records from a Kafka topic through a supervisor, exactly once`, async () => {
    await waitHealthy(kafka, 3 * 60_000);
    const topic = `druid-smoke-${id}`;
    const created = await dockerOk([
      'exec',
      kafka,
      'kafka-topics.sh',
      '--bootstrap-server',
      '127.0.0.1:9094',
      '--create',
      '--topic',
      topic,
      '--partitions',
      '2',
      '--replication-factor',
      '1',
    ]);
    expect(created.stdout).toContain(`Created topic ${topic}.`);

    const now = Date.now();
    const lines = Array.from({ length: KAFKA_RECORDS }, (_, i) =>
      JSON.stringify({ ts: new Date(now - 120_000 + i * 1000).toISOString(), user: `u${i % KAFKA_USERS}`, n: i + 1 }),
    );
    await dockerOk(
      [
        'exec',
        '-i',
        kafka,
        'kafka-console-producer.sh',
        '--bootstrap-server',
        '127.0.0.1:9094',
        '--topic',
        topic,
        '--request-required-acks',
        'all',
      ],
      { input: `${lines.join('\n')}\n` },
    );
    const offsets = await dockerOk([
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
    const produced = offsets.stdout
      .trim()
      .split('\n')
      .reduce((sum, line) => sum + Number(line.split(':')[2]), 0);
    expect(produced).toBe(KAFKA_RECORDS);

    const supervisor = await http('POST', '/druid/indexer/v1/supervisor', {
      type: 'kafka',
      spec: {
        dataSchema: {
          dataSource: 'smoke_kafka',
          timestampSpec: { column: 'ts', format: 'iso' },
          dimensionsSpec: { dimensions: ['user', { type: 'long', name: 'n' }] },
          granularitySpec: { segmentGranularity: 'hour', queryGranularity: 'none', rollup: false },
        },
        ioConfig: {
          topic,
          inputFormat: { type: 'json' },
          consumerProperties: { 'bootstrap.servers': 'kafka:9092' },
          useEarliestOffset: true,
          taskCount: 1,
          replicas: 1,
          taskDuration: 'PT1H',
        },
        tuningConfig: { type: 'kafka' },
      },
    });
    expect(supervisor.status, supervisor.text).toBe(200);
    expect(supervisor.json).toEqual({ id: 'smoke_kafka' });

    // Real-time rows are queryable from the ingestion task before any segment is published.
    const started = Date.now();
    const reached = await eventually(
      `SQL to count ${KAFKA_RECORDS} Kafka records`,
      4 * 60_000,
      async () => {
        const rows = await sqlOnceThere<{ rows: number }>('SELECT COUNT(*) AS "rows" FROM smoke_kafka');
        const count = rows?.[0]?.rows ?? 0;
        return count >= KAFKA_RECORDS ? count : undefined;
      },
      3000,
    );
    console.log(
      `[druid] Kafka records queryable ${Math.round((Date.now() - started) / 1000)} s after the supervisor was submitted`,
    );
    // No duplicates either: still exactly N a little later, with every record and user present.
    await sleep(5000);
    expect(reached).toBe(KAFKA_RECORDS);
    const [summary] = await sql<{ rows: number; users: number; total: number }>(
      'SELECT COUNT(*) AS "rows", COUNT(DISTINCT "user") AS users, SUM(n) AS total FROM smoke_kafka',
    );
    expect(summary).toEqual({
      rows: KAFKA_RECORDS,
      users: KAFKA_USERS,
      total: (KAFKA_RECORDS * (KAFKA_RECORDS + 1)) / 2,
    });

    const status = (await http('GET', '/druid/indexer/v1/supervisor/smoke_kafka/status')).json as {
      payload: { state: string; healthy: boolean };
    };
    expect(status.payload).toMatchObject({ state: 'RUNNING', healthy: true });
  });
});

// After the Druid checks, on the same Druid: one start of the ~1 min cluster instead of two.
describeTurnilo({ network: () => network, druid: () => druid, router: () => router });
