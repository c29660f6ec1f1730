import { describe, expect, it } from 'vitest';
import { compact, metricsFromEventLog, planTree } from '../../src/grading/kinds/spark-eventlog.js';
import { judgeMetrics, runLog } from '../../src/grading/kinds/spark.js';
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
    const wanted = expect0({
      scans: [{ path: '/w/data/sales', maxExecutions: 1 }],
      cache: { of: ['/w/data/sales'], minQueries: 2 },
      unpersisted: true,
    });
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
      expect0({ scans: [{ path: '/w/data/sales', maxExecutions: 1 }] }),
      metricsFromEventLog(thrice, 't'),
    );
    expect(verdict).toMatchObject({
      ok: false,
      found: '/w/data/sales was read from files by 3 queries (1k + 1k + 1k rows)',
    });
    expect(judgeMetrics(expect0({ cache: { of: ['/w/data/sales'] } }), metricsFromEventLog(thrice, 't'))).toMatchObject(
      {
        ok: false,
        found: 'nothing was cached (no persisted RDD)',
      },
    );
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
      {
        executionId: 3,
        path: '/w/out/result',
        files: 4,
        rows: 4000,
        bytes: 0,
        partitions: 0,
        taskRecords: [1000, 1001, 999, 1000],
      },
    ]);
    const four = expect0({ write: { path: '/w/out/result', files: 4, maxSkew: 1.2 } });
    expect(judgeMetrics(four, m).ok).toBe(true);
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
    const verdict = judgeMetrics(four, metricsFromEventLog(coalesced, 'x'));
    expect(verdict).toMatchObject({ ok: false, expected: '4 output files', found: '3 files (4k rows by 3 tasks)' });
    const skewed = judgeMetrics(
      expect0({ write: { path: '/w/out/result', maxSkew: 1.2 } }),
      metricsFromEventLog(coalesced, 'x'),
    );
    expect(skewed.found).toBe('the writing tasks wrote 500 to 2.5k rows each (×5)');
    const unpartitioned = judgeMetrics(expect0({ write: { path: '/w/out/result', minPartitions: 30 } }), m);
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

// Issue 22: each check judges the write, join or cache its exercise is about, in the one log of
// the run the grader launched; the cheapest wrong submissions the hidden classes found fail.
describe('spark checks judge the exercise itself, not the application at large', () => {
  type Info = { nodeName: string; simpleString: string; children: Info[]; metrics: object[]; metadata?: object };
  const node = (nodeName: string, simpleString: string, children: Info[] = [], acc?: number): Info => ({
    nodeName,
    simpleString,
    children,
    metrics: acc !== undefined ? [{ name: 'number of output rows', accumulatorId: acc }] : [],
  });
  const scan = (path: string, rowsId: number, partsId?: number): Info => ({
    ...node(
      'Scan parquet ',
      `FileScan parquet [a#1] Location: InMemoryFileIndex(1 paths)[file:${path.slice(0, 20)}...`,
    ),
    metadata: { Location: `InMemoryFileIndex(1 paths)[file:${path}]` },
    metrics: [
      { name: 'number of output rows', accumulatorId: rowsId },
      ...(partsId !== undefined ? [{ name: 'number of partitions read', accumulatorId: partsId }] : []),
    ],
  });
  const local = () => node('LocalTableScan', 'LocalTableScan [k#1]');
  const write = (path: string, child: Info, filesId: number): Info => ({
    ...node(
      'Execute InsertIntoHadoopFsRelationCommand',
      `Execute InsertIntoHadoopFsRelationCommand file:${path}, false, Parquet, [path=file:${path}], Overwrite, [a]`,
      [child],
    ),
    metrics: [
      { name: 'number of written files', accumulatorId: filesId },
      { name: 'number of output rows', accumulatorId: filesId + 1 },
    ],
  });
  const join = (strategy: string, type: string, left: Info, right: Info, build = '', acc?: number) =>
    node(strategy, `${strategy} [k#1], [k#2], ${type}${build ? `, Build${build}, false` : ''}`, [left, right], acc);
  const exchange = (child: Info) => node('Exchange', 'Exchange hashpartitioning(k#1, 8)', [child]);
  const broadcast = (child: Info) =>
    node('BroadcastExchange', 'BroadcastExchange HashedRelationBroadcastMode', [child]);
  const cacheOf = (child: Info) => node('InMemoryTableScan', 'InMemoryTableScan [a#1]', [child]);
  const log = (...events: string[]) => metricsFromEventLog([appStart(), ...events].join('\n'), 'local-1');

  it('partitions: judges the write to the output path, not a balanced decoy write next to it', () => {
    const m = log(
      jobStart(0, [1], 0),
      sqlStart(0, '', write('/w/out/decoy', scan('/w/data/sales', 10), 40)),
      driverAccum(0, [[40, 4]]),
      ...[1000, 1000, 1000, 1000].map((n) => task(1, { written: n })),
      jobStart(1, [2], 1),
      sqlStart(1, '', write('/w/out/result', scan('/w/data/sales', 20), 50)),
      driverAccum(1, [[50, 1]]),
      task(2, { written: 4000 }),
    );
    const wanted = expect0({ write: { path: '/w/out/result', files: 4, maxSkew: 1.2 } });
    expect(judgeMetrics(wanted, m)).toMatchObject({ ok: false, found: '1 files (0 rows by 1 tasks)' });
    const none = judgeMetrics(expect0({ write: { path: '/w/out/other', files: 4 } }), m);
    expect(none).toMatchObject({ ok: false, found: 'no write to it (the job wrote /w/out/decoy, /w/out/result)' });
    // A copy of the path somewhere else is not the path.
    expect(judgeMetrics(expect0({ write: { path: '/w/out/res', files: 1 } }), m).ok).toBe(false);
  });

  it('broadcast-join: the broadcast side must be the small table; broadcasting the big one fails', () => {
    const query = (build: 'Left' | 'Right') =>
      log(
        sqlStart(
          0,
          '',
          write(
            '/w/out/result',
            join(
              'BroadcastHashJoin',
              'Inner',
              build === 'Left' ? broadcast(scan('/w/data/sales', 1)) : scan('/w/data/sales', 1),
              build === 'Right' ? broadcast(scan('/w/data/stores', 2)) : scan('/w/data/stores', 2),
              build,
            ),
            40,
          ),
        ),
      );
    const wanted = expect0({
      joins: [
        {
          inputs: ['/w/data/sales', '/w/data/stores'],
          query: '/w/out/result',
          strategy: 'BroadcastHashJoin',
          broadcast: '/w/data/stores',
        },
      ],
    });
    expect(judgeMetrics(wanted, query('Right')).ok).toBe(true);
    expect(judgeMetrics(wanted, query('Left'))).toMatchObject({ ok: false, found: 'it broadcasts /w/data/sales' });
    // A BroadcastHashJoin elsewhere does not make the exercise's sort-merge join a broadcast.
    const decoy = log(
      sqlStart(0, '', join('BroadcastHashJoin', 'Inner', local(), broadcast(local()), 'Right')),
      sqlStart(
        1,
        '',
        write(
          '/w/out/result',
          join('SortMergeJoin', 'Inner', exchange(scan('/w/data/sales', 1)), exchange(scan('/w/data/stores', 2))),
          40,
        ),
      ),
    );
    expect(judgeMetrics(wanted, decoy)).toMatchObject({ ok: false, found: 'it is a SortMergeJoin Inner' });
  });

  it('dataframe-basics: dummy anti and full outer joins of two-row frames do not count', () => {
    const users = '/w/data/basics/users.csv';
    const orders = '/w/data/basics/orders.csv';
    const m = log(
      sqlStart(0, '', join('BroadcastHashJoin', 'LeftAnti', local(), broadcast(local()), 'Right')),
      sqlStart(1, '', join('SortMergeJoin', 'FullOuter', local(), local())),
      sqlStart(
        2,
        '',
        write(
          '/w/out/users_without_orders',
          join('BroadcastHashJoin', 'LeftOuter', scan(users, 1), broadcast(scan(orders, 2)), 'Right'),
          40,
        ),
      ),
    );
    const wanted = expect0({
      joins: [{ inputs: [users, orders], query: '/w/out/users_without_orders', type: 'LeftAnti' }],
    });
    expect(judgeMetrics(wanted, m)).toMatchObject({
      ok: false,
      expected:
        'a LeftAnti join of /w/data/basics/users.csv with /w/data/basics/orders.csv in the query that writes /w/out/users_without_orders',
      found: 'the joins there: BroadcastHashJoin LeftOuter of users.csv with orders.csv',
    });
    const real = log(
      sqlStart(
        2,
        '',
        write(
          '/w/out/users_without_orders',
          join('BroadcastHashJoin', 'LeftAnti', scan(users, 1), broadcast(scan(orders, 2)), 'Right'),
          40,
        ),
      ),
    );
    expect(judgeMetrics(wanted, real)).toMatchObject({ ok: true, found: 'BroadcastHashJoin LeftAnti' });
    const anywhere = expect0({ joins: [{ inputs: [users, orders], type: 'FullOuter' }] });
    expect(judgeMetrics(anywhere, m)).toMatchObject({ ok: false });
    expect(judgeMetrics(anywhere, m).found).toContain('SortMergeJoin FullOuter of in-memory rows with in-memory rows');
  });

  it('cache-reuse: a cache of something small, or one read, is not the reused frame read back', () => {
    const enriched = () =>
      join('BroadcastHashJoin', 'Inner', scan('/w/data/sales', 1), broadcast(scan('/w/data/products', 2)), 'Right');
    const wanted = expect0({ cache: { of: ['/w/data/sales', '/w/data/products'], minQueries: 3 } });
    const reports = (frame: () => Info) =>
      [0, 1, 2].map((e) => sqlStart(e, '', write(`/w/out/report${e}`, frame(), 40 + e * 2)));
    const good = log(...reports(() => cacheOf(enriched())));
    expect(judgeMetrics(wanted, good)).toMatchObject({ ok: true, found: 'it was read by 3 queries' });
    // products cached (small, read back three times); the sales read once and kept on the driver.
    const small = log(
      ...reports(() =>
        join('BroadcastHashJoin', 'Inner', local(), broadcast(cacheOf(scan('/w/data/products', 2))), 'Right'),
      ),
    );
    expect(judgeMetrics(wanted, small)).toMatchObject({
      ok: false,
      found: 'no query read a cache of it (3 reads of a cache of something else)',
    });
    const once = log(sqlStart(0, '', write('/w/out/report0', cacheOf(enriched()), 40)));
    expect(judgeMetrics(wanted, once)).toMatchObject({ ok: false, found: 'it was read by 1 query' });
  });

  it('skew-join: judges the stages that ran the join, not a large even shuffle added next to it', () => {
    const m = log(
      jobStart(0, [3], 0),
      sqlStart(
        0,
        '',
        write(
          '/w/out/result',
          join(
            'SortMergeJoin',
            'Inner',
            exchange(scan('/w/data/sales', 1)),
            exchange(scan('/w/data/products', 2)),
            '',
            70,
          ),
          40,
        ),
      ),
      ...[1, 2, 3, 4, 5, 6, 7].map(() => task(3, { records: 12_000, acc: [[70, 12_000]] })),
      task(3, { records: 4_100_000, acc: [[70, 4_100_000]] }),
      jobStart(1, [5], 1),
      sqlStart(1, '', node('Exchange', 'Exchange RoundRobinPartitioning(8)', [scan('/w/data/sales', 3)])),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map(() => task(5, { records: 10_000_000 })),
    );
    // The application's most uneven heavy stage is the even decoy: the old global check passed.
    expect(judgeMetrics(expect0({ maxShuffleReadSkew: 3 }), m).ok).toBe(true);
    const wanted = expect0({
      joins: [
        {
          inputs: ['/w/data/sales', '/w/data/products'],
          query: '/w/out/result',
          strategy: ['SortMergeJoin', 'ShuffledHashJoin'],
          maxShuffleReadSkew: 3,
        },
      ],
    });
    expect(judgeMetrics(wanted, m)).toMatchObject({
      ok: false,
      found: 'stage 3 (8 tasks): the longest task read 4.1M records, the median 12k (×341.67): skewed',
    });
    // A broadcast of the products side-steps the skew instead of spreading it.
    const broadcastJoin = log(
      sqlStart(
        0,
        '',
        write(
          '/w/out/result',
          join(
            'BroadcastHashJoin',
            'Inner',
            scan('/w/data/sales', 1),
            broadcast(scan('/w/data/products', 2)),
            'Right',
            70,
          ),
          40,
        ),
      ),
      task(3, { acc: [[70, 5]] }),
    );
    expect(judgeMetrics(wanted, broadcastJoin)).toMatchObject({ ok: false, found: 'it is a BroadcastHashJoin Inner' });
  });

  it('partition-pruning and bucketing: the scan and the join of the query that writes the result', () => {
    const table = '/w/out/sales_by_day';
    const m = log(
      sqlStart(1, '', write('/w/out/result', scan(table, 10, 11), 40)),
      driverAccum(1, [[11, 30]]),
      // a later, unrelated count of 3 days
      sqlStart(2, '', scan(table, 20, 21)),
      driverAccum(2, [[21, 3]]),
      task(9, { acc: [[20, 100]] }),
    );
    const wanted = expect0({
      scans: [{ path: table, query: '/w/out/result', minPartitionsRead: 3, maxPartitionsRead: 3 }],
    });
    expect(judgeMetrics(wanted, m)).toMatchObject({ ok: false, found: 'it read 30 partitions (0 files, 0 rows)' });
    expect(judgeMetrics(expect0({ scans: [{ path: table, maxPartitionsRead: 3 }] }), m).ok).toBe(true);

    const bucketedJoin = expect0({
      joins: [
        {
          inputs: ['sales_bucketed', 'customers_bucketed'],
          query: '/w/out/result',
          strategy: 'SortMergeJoin',
          noExchange: true,
        },
      ],
    });
    const dummy = log(
      sqlStart(
        0,
        '',
        join('SortMergeJoin', 'Inner', scan('/w/wh/sales_bucketed', 1), scan('/w/wh/customers_bucketed', 2)),
      ),
      sqlStart(
        1,
        '',
        write(
          '/w/out/result',
          join('SortMergeJoin', 'Inner', exchange(scan('/w/data/sales', 3)), exchange(scan('/w/data/customers', 4))),
          40,
        ),
      ),
    );
    expect(judgeMetrics(bucketedJoin, dummy)).toMatchObject({
      ok: false,
      found: 'the joins there: SortMergeJoin Inner of sales with customers',
    });
    const shuffled = log(
      sqlStart(
        1,
        '',
        write(
          '/w/out/result',
          join(
            'SortMergeJoin',
            'Inner',
            exchange(scan('/w/wh/sales_bucketed', 3)),
            scan('/w/wh/customers_bucketed', 4),
          ),
          40,
        ),
      ),
    );
    expect(judgeMetrics(bucketedJoin, shuffled)).toMatchObject({
      ok: false,
      found: 'Exchange hashpartitioning(k#1, 8)',
    });
  });

  it('fails closed: nothing to judge, no query writing the output, no join there', () => {
    const m = log(sqlStart(0, '', write('/w/out/result', scan('/w/data/sales', 1), 40)));
    expect(judgeMetrics(expect0({}), m)).toMatchObject({ ok: false, found: 'the check expects nothing' });
    const join0 = expect0({ joins: [{ inputs: ['/w/data/sales', '/w/data/stores'], query: '/w/out/result' }] });
    expect(judgeMetrics(join0, m)).toMatchObject({ ok: false, found: 'no join there' });
    const elsewhere = expect0({ joins: [{ inputs: ['/w/data/sales', '/w/data/stores'], query: '/w/out/report' }] });
    expect(judgeMetrics(elsewhere, m)).toMatchObject({
      ok: false,
      found: 'no query wrote it (the job wrote /w/out/result)',
    });
  });
});

describe('the event log of the run the grader launched: exactly one, and its own', () => {
  const check = { eventLogDir: '/opt/spark-events/ab12', tag: 'ab12' };
  const real = (id = 'local-7', props: Record<string, string> = {}, end = true) =>
    [
      appStart('day3-job', id),
      env({
        'spark.app.id': id,
        'spark.delab.run': 'ab12',
        'spark.eventLog.dir': 'file:///opt/spark-events/ab12',
        ...props,
      }),
      ...(end ? [line({ Event: 'SparkListenerApplicationEnd', Timestamp: 1 })] : []),
    ].join('\n');
  const error = (folder: Parameters<typeof runLog>[0]) => (runLog(folder, check) as { error?: string }).error;

  it('takes the one finished log of the application, named by its id', () => {
    expect(runLog({ entries: ['local-7'], text: real() }, check)).toMatchObject({ appId: 'local-7', appEnded: true });
  });

  it('refuses a forged second log, a log in place of the real one, and logs that do not parse', () => {
    expect(error({ entries: ['local-7', 'local-8'] })).toBe(
      '2 entries in /opt/spark-events/ab12, which the grader made for the one application it launched: local-7, local-8',
    );
    expect(error({ entries: ['local-7'], text: real('local-9') })).toContain(
      'its application id local-9 is not its file name',
    );
    expect(error({ entries: ['local-7'], text: `${real()}\n${appStart('x', 'local-7')}` })).toContain(
      'it holds 2 application starts, not 1',
    );
    expect(error({ entries: ['local-7'], text: real('local-7', { 'spark.delab.run': 'zz' }) })).toContain(
      'it was not started with spark.delab.run=ab12',
    );
    expect(
      error({ entries: ['local-7'], text: real('local-7', { 'spark.eventLog.dir': 'file:/home/spark/work' }) }),
    ).toContain('it says it logged to file:/home/spark/work');
    expect(error({ entries: ['local-7'], text: real('local-7', {}, false) })).toContain('it has no application end');
    expect(error({ entries: ['local-7'], text: 'not json\n{"Event": "SparkListenerTaskEnd"' })).toContain(
      'it holds 0 application starts, not 1',
    );
    expect(error({ entries: ['local-7'], text: '' })).toBe('the event log local-7 is empty');
  });

  it('fails with a reason when there is no log, an unfinished one, a non-file, or no folder', () => {
    expect(error({ entries: [] })).toContain('the job left no event log in /opt/spark-events/ab12');
    expect(error({ entries: ['local-7.inprogress'], text: real() })).toContain('the application did not finish');
    expect(error({ entries: ['local-7'], text: null })).toBe('/opt/spark-events/ab12/local-7 is not a regular file');
    expect(error(null)).toBe('the event-log folder /opt/spark-events/ab12 that the grader made for this run is gone');
  });
});
