import { describe, expect, it } from 'vitest';
import { compact, metricsFromEventLog, planTree } from '../../src/grading/kinds/spark-eventlog.js';
import { judgeMetrics } from '../../src/grading/kinds/spark.js';
import { sparkMetricsCheck } from '../../src/grading/schema.js';

// Small synthetic event logs in Spark's JSON-lines format (the fields the parser reads).
const SQL = 'org.apache.spark.sql.execution.ui.';
const line = (event: object) => JSON.stringify(event);
const appStart = (name = 'day3-job', id = 'local-1') =>
  line({ Event: 'SparkListenerApplicationStart', 'App Name': name, 'App ID': id });
const env = (props: Record<string, string>) =>
  line({ Event: 'SparkListenerEnvironmentUpdate', 'Spark Properties': props });
const jobStart = (job: number, stages: number[], execution: number) =>
  line({
    Event: 'SparkListenerJobStart',
    'Job ID': job,
    'Stage IDs': stages,
    Properties: { 'spark.sql.execution.id': String(execution) },
  });
const stageDone = (stage: number, tasks: number, rdds: object[] = []) =>
  line({
    Event: 'SparkListenerStageCompleted',
    'Stage Info': { 'Stage ID': stage, 'Number of Tasks': tasks, 'RDD Info': rdds },
  });
const task = (
  stage: number,
  metrics: { records?: number; written?: number; shuffleWrite?: number; acc?: Array<[number, number]> } = {},
) =>
  line({
    Event: 'SparkListenerTaskEnd',
    'Stage ID': stage,
    'Task End Reason': { Reason: 'Success' },
    'Task Info': {
      'Launch Time': 0,
      'Finish Time': 10,
      Accumulables: (metrics.acc ?? []).map(([ID, Update]) => ({ ID, Update: String(Update) })),
    },
    'Task Metrics': {
      'Shuffle Read Metrics':
        metrics.records !== undefined
          ? { 'Total Records Read': metrics.records, 'Local Bytes Read': metrics.records * 10 }
          : {},
      'Shuffle Write Metrics': { 'Shuffle Bytes Written': metrics.shuffleWrite ?? 0 },
      'Output Metrics': { 'Records Written': metrics.written ?? 0 },
    },
  });
const scanInfo = (path: string, rowsId: number, filesId: number, partsId?: number, extra = '') => ({
  nodeName: 'Scan parquet ',
  simpleString: `FileScan parquet [a#1] Batched: true, Location: InMemoryFileIndex(1 paths)[file:${path}], PartitionFilters: []${extra}`,
  children: [],
  metrics: [
    { name: 'number of output rows', accumulatorId: rowsId },
    { name: 'number of files read', accumulatorId: filesId },
    ...(partsId !== undefined ? [{ name: 'number of partitions read', accumulatorId: partsId }] : []),
  ],
});
const sqlStart = (executionId: number, plan: string, info: object) =>
  line({
    Event: `${SQL}SparkListenerSQLExecutionStart`,
    executionId,
    physicalPlanDescription: plan,
    sparkPlanInfo: info,
  });
const sqlUpdate = (executionId: number, plan: string, info: object) =>
  line({
    Event: `${SQL}SparkListenerSQLAdaptiveExecutionUpdate`,
    executionId,
    physicalPlanDescription: plan,
    sparkPlanInfo: info,
  });
const driverAccum = (executionId: number, updates: Array<[number, number]>) =>
  line({ Event: `${SQL}SparkListenerDriverAccumUpdates`, executionId, accumUpdates: updates });

const ADAPTIVE_FINAL = `== Physical Plan ==
AdaptiveSparkPlan (20)
+- == Final Plan ==
   * HashAggregate (12)
   +- * SortMergeJoin(skew=true) Inner (10)
      :- ShuffleQueryStage (5)
      :  +- Exchange (4)
+- == Initial Plan ==
   HashAggregate (19)
   +- SortMergeJoin Inner (17)

(1) Scan parquet
Output [2]: [a#1, b#2]`;

const expect0 = (e: object) => sparkMetricsCheck.shape.expect.parse(e);

describe('spark event log: metrics of one application', () => {
  it('reads the app, its tag and the final plan tree of an adaptive query (not the initial one, not the node details)', () => {
    const log = [
      appStart('day3-skew', 'local-42'),
      env({ 'spark.delab.run': 'abc123' }),
      sqlStart(0, '== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=false\n+- SortMergeJoin Inner\n', {}),
      sqlUpdate(0, ADAPTIVE_FINAL, {}),
    ].join('\n');
    const m = metricsFromEventLog(log, 'local-42');
    expect(m.app).toBe('day3-skew');
    expect(m.appId).toBe('local-42');
    expect(m.properties['spark.delab.run']).toBe('abc123');
    expect(m.finalPlans).toHaveLength(1);
    expect(m.finalPlans[0]).toContain('SortMergeJoin(skew=true)');
    expect(m.finalPlans[0]).not.toContain('Initial Plan');
    expect(m.finalPlans[0]).not.toContain('Output [2]');
    expect(planTree('== Physical Plan ==\n* Project (2)\n+- Scan parquet (1)\n\n(1) Scan parquet')).toBe(
      '* Project (2)\n+- Scan parquet (1)',
    );
  });

  it('finds the skewed shuffle stage: the longest task read many times the median', () => {
    const hot = [5, 5, 5, 5, 5, 5, 5].map(() => task(3, { records: 12_000 }));
    const log = [
      appStart(),
      jobStart(1, [2, 3], 0),
      ...hot,
      task(3, { records: 4_100_000 }),
      stageDone(3, 8),
      task(4, { records: 10 }),
      task(4, { records: 1000 }),
      stageDone(4, 2),
    ].join('\n');
    const m = metricsFromEventLog(log, 'f');
    expect(m.shuffleSkew).toMatchObject({ stage: 3, tasks: 8, max: 4_100_000, median: 12_000 });
    // Stage 4 is more uneven (×100) but reads < 10 % of the heaviest stage's records: ignored.
    const verdict = judgeMetrics(expect0({ maxShuffleReadSkew: 3 }), m);
    expect(verdict.ok).toBe(false);
    expect(verdict.found).toBe(
      'stage 3 (8 tasks): the longest task read 4.1M records, the median 12k (×341.67): skewed',
    );
    const even = metricsFromEventLog(
      [appStart(), ...[1, 2, 3, 4].map((i) => task(7, { records: 1000 + i }))].join('\n'),
      'g',
    );
    expect(judgeMetrics(expect0({ maxShuffleReadSkew: 3 }), even).ok).toBe(true);
    expect(judgeMetrics(expect0({ maxShuffleReadSkew: 3 }), metricsFromEventLog(appStart(), 'h'))).toMatchObject({
      ok: false,
      found: 'no stage read shuffle data with more than one task',
    });
  });

  it('counts partitions and files a scan read (driver metrics) and says when a table is not partitioned', () => {
    const pruned = [
      appStart(),
      sqlStart(1, '', { nodeName: 'Project', children: [scanInfo('/w/out/sales_by_day', 10, 11, 12)] }),
      driverAccum(1, [
        [11, 3],
        [12, 3],
      ]),
      task(5, { acc: [[10, 700]] }),
      task(5, { acc: [[10, 300]] }),
    ].join('\n');
    const m = metricsFromEventLog(pruned, 'p');
    expect(m.scans).toEqual([
      expect.objectContaining({ executionId: 1, filesRead: 3, partitionsRead: 3, rows: 1000, bucketed: false }),
    ]);
    expect(
      judgeMetrics(expect0({ scans: [{ path: 'sales_by_day', minPartitionsRead: 3, maxPartitionsRead: 3 }] }), m).ok,
    ).toBe(true);
    const whole = metricsFromEventLog(
      [
        appStart(),
        sqlStart(1, '', scanInfo('/w/out/sales_by_day', 10, 11)),
        driverAccum(1, [[11, 8]]),
        task(5, { acc: [[10, 5000]] }),
      ].join('\n'),
      'q',
    );
    const verdict = judgeMetrics(expect0({ scans: [{ path: 'sales_by_day', maxPartitionsRead: 3 }] }), whole);
    expect(verdict).toMatchObject({ ok: false, expected: 'a partitioned sales_by_day (partitionBy)' });
    expect(verdict.found).toContain('it read 8 files, 5k rows');
    expect(judgeMetrics(expect0({ scans: [{ path: 'nowhere', maxFilesRead: 1 }] }), whole)).toMatchObject({
      ok: false,
      found: 'no query read nowhere',
    });
    // simpleString cuts a long Location at 100 characters; the node's metadata keeps the full path.
    const cut = {
      ...scanInfo('/home/spark/work/day3/.selftest-solution/partition-pruning/out', 10, 11, 12),
      metadata: {
        Location:
          'InMemoryFileIndex(1 paths)[file:/home/spark/work/day3/.selftest-solution/partition-pruning/out/sales_by_day]',
      },
    };
    const long = metricsFromEventLog(
      [
        appStart(),
        sqlStart(1, '', cut),
        driverAccum(1, [
          [11, 2],
          [12, 2],
        ]),
      ].join('\n'),
      'l',
    );
    expect(judgeMetrics(expect0({ scans: [{ path: 'sales_by_day', maxPartitionsRead: 3 }] }), long).ok).toBe(true);
  });

  it('cache: a scan shown again under a cached plan belongs to the query that ran it; persisted and unpersisted RDDs', () => {
    const scan = scanInfo('/w/data/sales', 20, 21);
    const cachedPlan =
      '== Physical Plan ==\n* HashAggregate (3)\n+- InMemoryTableScan (2)\n   +- InMemoryRelation (1)\n';
    const log = [
      appStart(),
      sqlStart(0, '== Physical Plan ==\n* HashAggregate (2)\n+- Scan parquet (1)\n', scan),
      task(1, { acc: [[20, 1000]] }),
      stageDone(1, 1, [
        { 'RDD ID': 7, 'Storage Level': { 'Use Memory': true, 'Use Disk': true } },
        { 'RDD ID': 8, 'Storage Level': { 'Use Memory': false, 'Use Disk': false } },
      ]),
      sqlStart(1, cachedPlan, { nodeName: 'InMemoryTableScan', children: [scan] }),
      sqlStart(2, cachedPlan, { nodeName: 'InMemoryTableScan', children: [scan] }),
    ];
    const m = metricsFromEventLog(log.join('\n'), 'c');
    expect(m.scans).toHaveLength(1);
    expect(m.cachedRdds).toEqual([7]);
    const wanted = expect0({ scans: [{ path: '/data/sales', maxExecutions: 1 }], cached: true, unpersisted: true });
    expect(judgeMetrics(wanted, m)).toMatchObject({ ok: false, found: 'RDD 7 still cached when the job ended' });
    const released = metricsFromEventLog(
      [...log, line({ Event: 'SparkListenerUnpersistRDD', 'RDD ID': 7 })].join('\n'),
      'c',
    );
    expect(judgeMetrics(wanted, released).ok).toBe(true);

    // Without a cache: the same scan node (new accumulators) runs in three queries.
    const thrice = [
      appStart(),
      ...[0, 1, 2].flatMap((e) => [
        sqlStart(e, '', scanInfo('/w/data/sales', 30 + e * 2, 31 + e * 2)),
        task(e, { acc: [[30 + e * 2, 1000]] }),
      ]),
    ].join('\n');
    const verdict = judgeMetrics(
      expect0({ scans: [{ path: '/data/sales', maxExecutions: 1 }] }),
      metricsFromEventLog(thrice, 't'),
    );
    expect(verdict).toMatchObject({
      ok: false,
      found: '/data/sales was read from files by 3 queries (1k + 1k + 1k rows)',
    });
    expect(judgeMetrics(expect0({ cached: true }), metricsFromEventLog(thrice, 't'))).toMatchObject({
      ok: false,
      found: 'nothing was cached (no persisted RDD)',
    });
  });

  it('file writes: number of files, partition folders and the rows each writing task wrote', () => {
    const write = (files: number, rows: number, parts: number) => ({
      nodeName: 'Execute InsertIntoHadoopFsRelationCommand',
      simpleString: 'Execute InsertIntoHadoopFsRelationCommand file:/w/out/result',
      children: [],
      metrics: [
        { name: 'number of written files', accumulatorId: 40 + files },
        { name: 'number of output rows', accumulatorId: 50 + files },
        { name: 'number of dynamic part', accumulatorId: 60 + files },
      ],
    });
    const balanced = [
      appStart(),
      jobStart(0, [9], 3),
      sqlStart(3, '', write(4, 0, 0)),
      driverAccum(3, [
        [44, 4],
        [54, 4000],
        [64, 0],
      ]),
      ...[1000, 1001, 999, 1000].map((n) => task(9, { written: n })),
    ].join('\n');
    const m = metricsFromEventLog(balanced, 'w');
    expect(m.writes).toEqual([
      { executionId: 3, files: 4, rows: 4000, bytes: 0, partitions: 0, taskRecords: [1000, 1001, 999, 1000] },
    ]);
    expect(judgeMetrics(expect0({ outputFiles: 4, maxOutputSkew: 1.2 }), m).ok).toBe(true);
    const coalesced = [
      appStart(),
      jobStart(0, [9], 3),
      sqlStart(3, '', write(3, 0, 0)),
      driverAccum(3, [
        [43, 3],
        [53, 4000],
      ]),
      ...[2500, 1000, 500].map((n) => task(9, { written: n })),
    ].join('\n');
    const verdict = judgeMetrics(expect0({ outputFiles: 4, maxOutputSkew: 1.2 }), metricsFromEventLog(coalesced, 'x'));
    expect(verdict).toMatchObject({ ok: false, expected: '4 output files', found: '3 files (4k rows by 3 tasks)' });
    const skewed = judgeMetrics(expect0({ maxOutputSkew: 1.2 }), metricsFromEventLog(coalesced, 'x'));
    expect(skewed.found).toBe('the writing tasks wrote 500 to 2.5k rows each (×5)');
    const unpartitioned = judgeMetrics(expect0({ minOutputPartitions: 30 }), m);
    expect(unpartitioned).toMatchObject({ ok: false, found: 'an unpartitioned write' });
  });

  it('final plans: join strategy and Exchange present or absent; shuffle bytes; bucketed scans', () => {
    const smj = '== Physical Plan ==\n* SortMergeJoin Inner (7)\n:- Exchange (3)\n+- Exchange (6)\n';
    const bucketed =
      '== Physical Plan ==\n* SortMergeJoin Inner (5)\n:- * Sort (2)\n:  +- Scan parquet spark_catalog.default.sales_bucketed (1)\n';
    const plain = metricsFromEventLog(
      [appStart(), sqlStart(0, smj, scanInfo('/w/sales_bucketed', 1, 2)), task(1, { shuffleWrite: 5000 })].join('\n'),
      'a',
    );
    const wanted = expect0({
      scans: [{ path: 'sales_bucketed', bucketed: true }],
      finalPlanContains: ['SortMergeJoin'],
      finalPlanNotContains: ['Exchange'],
      maxShuffleWriteBytes: 0,
    });
    expect(judgeMetrics(wanted, plain)).toMatchObject({ ok: false, found: 'Exchange in: :- Exchange (3)' });
    expect(judgeMetrics(expect0({ scans: [{ path: 'sales_bucketed', bucketed: true }] }), plain)).toMatchObject({
      ok: false,
      found: 'plain (not bucketed) scan',
    });
    const good = metricsFromEventLog(
      [
        appStart(),
        sqlStart(
          0,
          bucketed,
          scanInfo('/w/sales_bucketed', 1, 2, undefined, ', Bucketed: true, SelectedBucketsCount: 8 out of 8'),
        ),
      ].join('\n'),
      'b',
    );
    expect(judgeMetrics(wanted, good).ok).toBe(true);
    const noBroadcast = judgeMetrics(expect0({ finalPlanContains: ['BroadcastHashJoin'] }), plain);
    expect(noBroadcast).toMatchObject({
      ok: false,
      found: 'no BroadcastHashJoin in any final plan (joins: SortMergeJoin)',
    });
    const exchange = judgeMetrics(expect0({ finalPlanNotContains: ['Exchange'] }), plain);
    expect(exchange.found).toBe('Exchange in: :- Exchange (3)');
  });

  it('ignores partial and foreign lines; formats counts compactly', () => {
    const m = metricsFromEventLog(`${appStart('x')}\nnot json\n{"Event": "SparkListenerTaskEnd", "Stage`, 'z');
    expect(m.app).toBe('x');
    expect([compact(4_100_000), compact(12_345), compact(1_500), compact(950)]).toEqual(['4.1M', '12k', '1.5k', '950']);
  });
});
