import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSqlRoundTrip, startMariadb } from '../helpers/mariadb-smoke.js';
import { Cleanup, docker, dockerOk, sharedTempDir, smokeName, waitHealthy } from '../helpers/smoke-docker.js';

/**
 * Smoke tests of the built course images: each one starts the real image and makes it do real
 * work (Kafka round trip, a PySpark batch job over that topic, SQL from the tools container).
 * Fluentd and Turnilo have their own files (fluentd-image.test.ts, druid.test.ts with test/helpers/turnilo-suite.ts), and
 * builds from an offline package folder are tested in image-packages.test.ts.
 */

const KAFKA = 'de-lab/kafka:3.9.2';
const SPARK = 'de-lab/spark:4.0.0';
const MARIADB = 'de-lab/mariadb:10.11';
const TOOLS = 'de-lab/tools:1.0';

const RECORDS = 1000;
const KEYS = 7;
/** Record n (1…1000): key k<n mod 7>, value n. */
const records = Array.from({ length: RECORDS }, (_, i) => ({ key: `k${(i + 1) % KEYS}`, value: i + 1 }));
const expectedLines = records.map((r) => `${r.key}:${r.value}`);
const expectedPerKey: Record<string, { count: number; sum: number }> = {};
for (const { key, value } of records) {
  const entry = (expectedPerKey[key] ??= { count: 0, sum: 0 });
  entry.count += 1;
  entry.sum += value;
}

const cleanup = new Cleanup();
afterAll(async () => {
  await cleanup.run();
}, 120_000);

describe('image smoke: kafka + spark', () => {
  const network = cleanup.network(smokeName('net'));
  const kafka = cleanup.container(smokeName('kafka'));
  const spark = cleanup.container(smokeName('spark'));
  const topic = `smoke-${Date.now().toString(36)}`;
  const sparkDir = cleanup.dir(sharedTempDir('de-lab-smoke-spark-'));

  beforeAll(async () => {
    await dockerOk(['network', 'create', '--label', 'de-lab.test=smoke', network]);
    // As labs/day4/compose.yaml runs it (internal listener reached by the container name),
    // with its faster health interval; no host port published (tests must not clash with stacks).
    await dockerOk([
      'run',
      '-d',
      '--name',
      kafka,
      '--network',
      network,
      '--label',
      'de-lab.test=smoke',
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
    // Spark starts in parallel (it does not need Kafka until the job runs).
    await dockerOk([
      'run',
      '-d',
      '--name',
      spark,
      '--network',
      network,
      '--label',
      'de-lab.test=smoke',
      '-v',
      `${sparkDir}:/home/spark/work/smoke`,
      '-w',
      '/home/spark/work/smoke',
      '--health-interval',
      '2s',
      '--memory',
      '2g',
      SPARK,
    ]);
  }, 120_000);

  it('kafka: becomes healthy, and 1,000 records produced with the console producer come back', async () => {
    await waitHealthy(kafka, 180_000);

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
      '3',
      '--replication-factor',
      '1',
    ]);
    expect(created.stdout).toContain(`Created topic ${topic}.`);
    const described = await dockerOk([
      'exec',
      kafka,
      'kafka-topics.sh',
      '--bootstrap-server',
      '127.0.0.1:9094',
      '--describe',
      '--topic',
      topic,
    ]);
    expect(described.stdout).toMatch(new RegExp(`Topic: ${topic}\\s.*PartitionCount: 3`));

    const produced = await docker(
      [
        'exec',
        '-i',
        kafka,
        'kafka-console-producer.sh',
        '--bootstrap-server',
        '127.0.0.1:9094',
        '--topic',
        topic,
        '--property',
        'parse.key=true',
        '--property',
        'key.separator=:',
        '--request-required-acks',
        'all',
      ],
      { input: `${expectedLines.join('\n')}\n`, stdin: undefined },
    );
    expect(produced.exitCode, produced.stderr).toBe(0);

    // The broker's own count: the end offsets of the three partitions add up to 1,000.
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
    const ends = offsets.stdout
      .trim()
      .split('\n')
      .map((line) => Number(line.split(':')[2]));
    expect(ends).toHaveLength(3);
    expect(ends.reduce((a, b) => a + b, 0)).toBe(RECORDS);

    const consumed = await docker([
      'exec',
      kafka,
      'kafka-console-consumer.sh',
      '--bootstrap-server',
      '127.0.0.1:9094',
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      String(RECORDS),
      '--timeout-ms',
      '60000',
      '--property',
      'print.key=true',
      '--property',
      'key.separator=:',
    ]);
    expect(consumed.exitCode, consumed.stderr).toBe(0);
    expect(consumed.stderr).toContain(`Processed a total of ${RECORDS} messages`);
    const lines = consumed.stdout.trim().split('\n');
    expect(lines).toHaveLength(RECORDS);
    // Three partitions: order is per partition only, so compare as sorted lists (no duplicates).
    expect([...lines].sort()).toEqual([...expectedLines].sort());
  });

  it('spark: a spark-submit batch job reads the topic with format("kafka") and computes exact numbers, as non-root, with an event log', async () => {
    await waitHealthy(spark, 120_000);
    const whoami = await dockerOk(['exec', spark, 'sh', '-c', 'id -u; id -un']);
    expect(whoami.stdout.trim().split('\n')).toEqual(['1000', 'spark']);

    writeFileSync(join(sparkDir, 'job.py'), SPARK_JOB);
    const started = Date.now();
    // No --packages: the Kafka connector is in the image's jars/ (nothing is downloaded here).
    const job = await docker(
      [
        'exec',
        spark,
        'spark-submit',
        '--master',
        'local[2]',
        'job.py',
        `${kafka}:9092`,
        topic,
        '/home/spark/work/smoke/out',
      ],
      { timeout: 8 * 60_000 },
    );
    expect(job.exitCode, `${job.stderr.slice(-4000)}\n${job.stdout}`).toBe(0);
    expect(job.stdout + job.stderr).not.toMatch(/Ivy Default Cache|resolving dependencies|downloading/i);

    const result = JSON.parse(readFileSync(join(sparkDir, 'out', 'result.json'), 'utf8')) as {
      appId: string;
      sparkVersion: string;
      user: string;
      count: number;
      sum: number;
      min: number;
      max: number;
      distinctValues: number;
      partitions: number;
      perKey: Record<string, { count: number; sum: number }>;
    };
    expect(result).toMatchObject({
      sparkVersion: '4.0.0',
      user: 'spark',
      count: RECORDS,
      sum: 500500,
      min: 1,
      max: RECORDS,
      distinctValues: RECORDS,
      partitions: 3,
    });
    expect(result.perKey).toEqual(expectedPerKey);

    // The per-key counts written by Spark's own CSV writer (one part file after coalesce(1)).
    const csvDir = join(sparkDir, 'out', 'per_key_csv');
    expect(existsSync(join(csvDir, '_SUCCESS'))).toBe(true);
    const part = readdirSync(csvDir).find((f) => f.startsWith('part-') && f.endsWith('.csv'))!;
    const csv = readFileSync(join(csvDir, part), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('key,count,sum');
    expect(csv.slice(1)).toEqual(
      Object.entries(expectedPerKey)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k},${v.count},${v.sum}`),
    );
    // Files the job wrote belong to uid 1000 (spark), not root.
    expect(statSync(join(sparkDir, 'out', 'result.json')).uid).toBe(1000);

    // spark.eventLog.dir file:///opt/spark-events, uncompressed and not rolling: one JSON-lines
    // file named after the application, finished (no .inprogress), owned by spark.
    expect(result.appId).toMatch(/^local-\d+$/);
    const events = await dockerOk([
      'exec',
      spark,
      'sh',
      '-c',
      `ls /opt/spark-events; stat -c %U /opt/spark-events/${result.appId}; cat /opt/spark-events/${result.appId}`,
    ]);
    const [listing, ...rest] = events.stdout.split('\n');
    expect(listing).toBe(result.appId);
    expect(rest[0]).toBe('spark');
    const eventLines = rest
      .slice(1)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { Event: string; 'App ID'?: string; Timestamp?: number });
    const kinds = eventLines.map((e) => e.Event);
    expect(kinds[0]).toBe('SparkListenerLogStart');
    expect(kinds).toContain('SparkListenerJobEnd');
    expect(kinds.at(-1)).toBe('SparkListenerApplicationEnd');
    const appStart = eventLines.find((e) => e.Event === 'SparkListenerApplicationStart')!;
    expect(appStart['App ID']).toBe(result.appId);
    expect(appStart.Timestamp).toBeGreaterThanOrEqual(started - 60_000);
  });

  it('spark: drivers map Spark classes from the image archive, by spark-submit and by plain python, and only load from jars when it is off', async () => {
    await waitHealthy(spark, 120_000);
    writeFileSync(
      join(sparkDir, 'tiny.py'),
      'from pyspark.sql import SparkSession\n' +
        's = SparkSession.builder.getOrCreate()\n' +
        'print("sum", s.range(1000).selectExpr("sum(id)").first()[0], s.conf.get("spark.eventLog.enabled"))\n' +
        's.stop()\n',
    );
    // Counts where the driver's classes came from: the archive ("shared objects file (top)") or a jar.
    const run = async (command: string, env: string[] = []) => {
      const result = await docker(
        [
          'exec',
          ...env.flatMap((e) => ['-e', e]),
          '-e',
          'SPARK_SUBMIT_OPTS=-Xlog:class+load=info:file=/tmp/classes.log',
          spark,
          'sh',
          '-c',
          `rm -f /tmp/classes.log; ${command} && echo "shared $(grep -c 'shared objects file (top)' /tmp/classes.log) jar $(grep -c 'source: file:.*[.]jar$' /tmp/classes.log)"`,
        ],
        { timeout: 4 * 60_000 },
      );
      expect(result.exitCode, result.stderr.slice(-3000)).toBe(0);
      const [, shared, jar] = /shared (\d+) jar (\d+)/.exec(result.stdout)!.map(Number);
      return { shared: shared!, jar: jar!, stdout: result.stdout, stderr: result.stderr };
    };
    const submitted = await run('spark-submit tiny.py');
    expect(submitted.shared).toBeGreaterThan(8000);
    expect(submitted.jar).toBeGreaterThan(0);
    expect(submitted.jar).toBeLessThan(submitted.shared / 5);
    // The image's defaults still apply (event log on) and its log4j2.properties keeps INFO lines out.
    expect(submitted.stdout).toContain('sum 499500 true');
    expect(submitted.stderr).not.toMatch(/ INFO /);
    const python = await run('python tiny.py');
    expect(python.shared).toBeGreaterThan(8000);
    expect(python.stdout).toContain('sum 499500 true');
    const off = await run('spark-submit tiny.py', ['DE_LAB_SPARK_CDS=off']);
    expect(off.shared).toBe(0);
    expect(off.jar).toBeGreaterThan(8000);
    expect(off.stdout).toContain('sum 499500 true');
  });
});

describe('image smoke: mariadb + tools', () => {
  const network = cleanup.network(smokeName('net'));
  const mariadb = cleanup.container(smokeName('mariadb'));

  beforeAll(async () => {
    await dockerOk(['network', 'create', '--label', 'de-lab.test=smoke', network]);
    await startMariadb(MARIADB, mariadb, network);
  }, 120_000);

  it('mariadb: becomes healthy and answers SQL from the tools container (mysql client) as the app user', async () => {
    await waitHealthy(mariadb, 180_000);
    await expectSqlRoundTrip(TOOLS, mariadb, network);
  });
});

// ---- fixtures ----------------------------------------------------------------------------------

const SPARK_JOB = String.raw`
import json, os, sys
from pyspark.sql import SparkSession, functions as F

bootstrap, topic, out = sys.argv[1], sys.argv[2], sys.argv[3]
spark = SparkSession.builder.appName("de-lab-smoke").getOrCreate()
raw = (spark.read.format("kafka")
       .option("kafka.bootstrap.servers", bootstrap)
       .option("subscribe", topic)
       .option("startingOffsets", "earliest")
       .option("endingOffsets", "latest")
       .load())
rows = raw.select(F.col("key").cast("string").alias("key"),
                  F.col("value").cast("string").cast("long").alias("value"),
                  F.col("partition"))
totals = rows.agg(F.count("*").alias("count"), F.sum("value").alias("sum"),
                  F.min("value").alias("min"), F.max("value").alias("max"),
                  F.countDistinct("value").alias("distinct"),
                  F.countDistinct("partition").alias("partitions")).first()
per_key = rows.groupBy("key").agg(F.count("*").alias("count"), F.sum("value").alias("sum")).orderBy("key")
per_key.coalesce(1).write.mode("overwrite").option("header", True).csv(os.path.join(out, "per_key_csv"))
result = {
    "appId": spark.sparkContext.applicationId,
    "sparkVersion": spark.version,
    "user": spark.sparkContext.sparkUser(),
    "count": totals["count"], "sum": totals["sum"], "min": totals["min"], "max": totals["max"],
    "distinctValues": totals["distinct"], "partitions": totals["partitions"],
    "perKey": {r["key"]: {"count": r["count"], "sum": r["sum"]} for r in per_key.collect()},
}
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "result.json"), "w") as f:
    json.dump(result, f)
print(json.dumps(result))
spark.stop()
`;
