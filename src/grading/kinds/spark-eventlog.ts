/**
 * What Spark did, read from one application's JSON event log (one event per line; the format the
 * History Server reads). Pure: no I/O, so it is unit-tested on small synthetic logs.
 */

export interface TaskSpread {
  stage: number;
  tasks: number;
  max: number;
  median: number;
  total: number;
  /** max / median (median at least 1). */
  ratio: number;
}

export interface ScanMetrics {
  executionId: number;
  /** The scan node's one-line description (FileScan parquet [...] Location: ...[path] ...). */
  node: string;
  /** The folders or files it read (Location's root paths, without file:). */
  paths: string[];
  filesRead: number;
  partitionsRead: number | null;
  rows: number;
  bucketed: boolean;
}

export interface WriteMetrics {
  executionId: number;
  /** Where it wrote (the command's output path, without file:), or the table it created. */
  path: string;
  files: number;
  rows: number;
  bytes: number;
  /** Distinct partition folders written (partitionBy); 0 for an unpartitioned write. */
  partitions: number;
  /** Records each writing task wrote (tasks that wrote nothing left out). */
  taskRecords: number[];
}

/** One operator of a query's physical plan (the event's sparkPlanInfo), with what it reads. */
export interface PlanNode {
  name: string;
  /** simpleString plus the scan metadata that names what it reads. */
  text: string;
  /** A file scan's root paths (without file:); empty for other operators. */
  paths: string[];
  /** The node's SQL metrics' accumulator ids (a task that updates one ran this operator). */
  accumulators: number[];
  children: PlanNode[];
}

/** One SQL query (execution) and its last plan (for AQE: the final one). */
export interface QueryPlan {
  executionId: number;
  plan: PlanNode;
}

export interface SparkMetrics {
  app: string;
  appId: string;
  file: string;
  /** SparkListenerApplicationStart events (a log of one application has exactly one). */
  appStarts: number;
  /** Whether the log ends the application (SparkListenerApplicationEnd). */
  appEnded: boolean;
  /** Spark properties of the application (spark-submit --conf, spark-defaults, the session's own). */
  properties: Record<string, string>;
  stages: number;
  maxPartitions: number;
  minPartitions: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  spillBytes: number;
  /** Longest / median task duration, worst stage (kept for compatibility; time is noisy). */
  skewRatio: number;
  /** Every physical plan the log holds (the initial one of each query and every adaptive update). */
  plans: string[];
  /** The last plan of each SQL query, its operator tree only (for AQE: the final plan). */
  finalPlans: string[];
  /** The shuffle-reading stage whose tasks read the most uneven numbers of records (null: none). */
  shuffleSkew: TaskSpread | null;
  scans: ScanMetrics[];
  writes: WriteMetrics[];
  /** RDDs stored (cache/persist) and those released again (unpersist). */
  cachedRdds: number[];
  unpersistedRdds: number[];
  /** Every SQL query's last plan tree, in the order the queries started. */
  queries: QueryPlan[];
  /** Wall time of the application's SQL queries (start to end, overlaps counted once), in ms: job time without JVM start-up. */
  sqlMs: number;
  /** Duration of the longest and the median successful task over the whole application, in ms. */
  longestTaskMs: number;
  medianTaskMs: number;
  /** Shuffle records each successful task of a stage read, by stage id. */
  stageShuffleRecords: Record<number, number[]>;
  /** The stages whose tasks updated an accumulator, by accumulator id. */
  accumulatorStages: Record<number, number[]>;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The operator tree of a physical plan description ("== Physical Plan ==" up to the first blank
 * line, without the per-node details of the formatted mode); of an adaptive plan, only the
 * current/final part, not the initial plan printed under it.
 */
export function planTree(description: string): string {
  const lines = description.split('\n');
  let start = lines.findIndex((line) => line.startsWith('== Physical Plan =='));
  start = start < 0 ? 0 : start + 1;
  const tree: string[] = [];
  for (const line of lines.slice(start)) {
    if (line.trim() === '') break;
    tree.push(line);
  }
  const initial = tree.findIndex((line) => /== Initial Plan ==/.test(line));
  return (initial >= 0 ? tree.slice(0, initial) : tree).join('\n');
}

interface MetricDef {
  name: string;
  node: string;
  executionId: number;
}

interface PlanInfo {
  nodeName?: string;
  simpleString?: string;
  children?: PlanInfo[];
  metrics?: Array<{ name?: string; accumulatorId?: number }>;
  /** Scan nodes: Location (the full paths; simpleString cuts them at 100 characters), PartitionFilters, SelectedBucketsCount… */
  metadata?: Record<string, string>;
}

function properties(event: any): Record<string, string> {
  const raw = event['Spark Properties'];
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((pair: unknown[]) => [String(pair[0]), String(pair[1])]));
  return raw && typeof raw === 'object' ? Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)])) : {};
}

function spread(stage: number, values: number[]): TaskSpread {
  const max = Math.max(...values);
  const mid = median(values);
  return {
    stage,
    tasks: values.length,
    max,
    median: mid,
    total: values.reduce((a, b) => a + b, 0),
    ratio: Math.round((max / Math.max(mid, 1)) * 100) / 100,
  };
}

/** A path as Spark prints it, without file: and a trailing slash. */
export function plainPath(path: string): string {
  return path
    .trim()
    .replace(/^file:(\/\/(?=\/))?/, '')
    .replace(/(.)\/+$/, '$1');
}

/** The root paths of a scan's Location ("InMemoryFileIndex(2 paths)[file:/a, file:/b]"; a cut list keeps its whole paths). */
export function locationPaths(location: string): string[] {
  const list = /\(\d+ paths?\)\[(.*?)(\]|\.\.\.|$)/.exec(location)?.[1] ?? '';
  return list
    .split(', ')
    .map(plainPath)
    .filter((p) => p.startsWith('/'));
}

/** Where a write command wrote: its output path, or the table it created. */
function writePath(text: string): string {
  const target =
    /(?:InsertIntoHadoopFsRelationCommand|CreateDataSourceTableAsSelectCommand|InsertIntoHadoopFsRelation)\s+([^,\s]+)/.exec(
      text,
    );
  return target ? plainPath(target[1]!) : '';
}

/** Metrics of one application from Spark's JSON event log. */
export function metricsFromEventLog(text: string, file: string): SparkMetrics {
  const metrics: SparkMetrics = {
    app: '',
    appId: '',
    file,
    appStarts: 0,
    appEnded: false,
    properties: {},
    stages: 0,
    maxPartitions: 0,
    minPartitions: Number.MAX_SAFE_INTEGER,
    shuffleReadBytes: 0,
    shuffleWriteBytes: 0,
    spillBytes: 0,
    skewRatio: 1,
    plans: [],
    finalPlans: [],
    shuffleSkew: null,
    scans: [],
    writes: [],
    cachedRdds: [],
    unpersistedRdds: [],
    queries: [],
    sqlMs: 0,
    longestTaskMs: 0,
    medianTaskMs: 0,
    stageShuffleRecords: {},
    accumulatorStages: {},
  };
  const trees = new Map<number, PlanNode>();
  const accumulatorStages = new Map<number, Set<number>>();
  const durations = new Map<number, number[]>();
  const shuffleRecords = new Map<number, number[]>();
  const written = new Map<number, number[]>();
  const stageExecution = new Map<number, number>();
  const sqlSpans = new Map<number, { start: number; end?: number }>();
  const lastPlan = new Map<number, string>();
  const defs = new Map<number, MetricDef>();
  const scanNodes = new Map<string, { executionId: number; node: string; paths: string[]; ids: Map<string, number> }>();
  const writeNodes = new Map<string, { executionId: number; path: string; ids: Map<string, number> }>();
  const values = new Map<number, number>();
  const cached = new Set<number>();

  const learnPlan = (executionId: number, info: PlanInfo | undefined) => {
    if (!info) return;
    const walk = (node: PlanInfo): PlanNode => {
      const name = String(node.nodeName ?? '');
      const meta = node.metadata ?? {};
      const text = [
        String(node.simpleString ?? name),
        ...['Location', 'PartitionFilters', 'SelectedBucketsCount']
          .filter((k) => meta[k] !== undefined)
          .map((k) => `${k}: ${meta[k]}`),
      ].join(' | ');
      const ids = new Map<string, number>();
      for (const metric of node.metrics ?? []) {
        if (metric.accumulatorId === undefined) continue;
        defs.set(Number(metric.accumulatorId), { name: String(metric.name ?? ''), node: name, executionId });
        ids.set(String(metric.name ?? ''), Number(metric.accumulatorId));
      }
      const isScan = /^Scan /.test(name) || /^FileScan/.test(text);
      const paths = isScan ? locationPaths(meta.Location ?? /Location: (.*)/.exec(text)?.[1] ?? '') : [];
      if (isScan) {
        // Keyed by its metric: a cached plan shows the scan that filled the cache again under
        // later queries, with the same accumulators; it belongs to the query that first ran it.
        const key = String(ids.get('number of output rows') ?? `${executionId}:${text}`);
        if (!scanNodes.has(key)) scanNodes.set(key, { executionId, node: text, paths, ids });
      }
      if (
        /Execute InsertIntoHadoopFsRelationCommand|WriteFiles|Execute CreateDataSourceTableAsSelectCommand|InsertIntoHadoopFsRelation/.test(
          text,
        ) &&
        ids.has('number of written files')
      ) {
        const key = String(ids.get('number of written files'));
        if (!writeNodes.has(key)) writeNodes.set(key, { executionId, path: writePath(text), ids });
      }
      return { name, text, paths, accumulators: [...ids.values()], children: (node.children ?? []).map(walk) };
    };
    trees.set(executionId, walk(info));
  };

  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event: any;
    try {
      event = JSON.parse(line);
    } catch {
      continue; // a log still being written may end in a partial line
    }
    switch (event.Event) {
      case 'SparkListenerApplicationStart':
        metrics.app = event['App Name'] ?? '';
        metrics.appId = event['App ID'] ?? '';
        metrics.appStarts += 1;
        break;
      case 'SparkListenerApplicationEnd':
        metrics.appEnded = true;
        break;
      case 'SparkListenerEnvironmentUpdate':
        metrics.properties = { ...metrics.properties, ...properties(event) };
        break;
      case 'SparkListenerJobStart': {
        const execution = event.Properties?.['spark.sql.execution.id'];
        if (execution !== undefined)
          for (const stage of event['Stage IDs'] ?? []) stageExecution.set(Number(stage), Number(execution));
        break;
      }
      case 'SparkListenerStageCompleted': {
        const info = event['Stage Info'] ?? {};
        const tasks = Number(info['Number of Tasks'] ?? 0);
        metrics.stages += 1;
        metrics.maxPartitions = Math.max(metrics.maxPartitions, tasks);
        metrics.minPartitions = Math.min(metrics.minPartitions, tasks);
        for (const rdd of info['RDD Info'] ?? []) {
          const level = rdd['Storage Level'] ?? {};
          if (level['Use Memory'] || level['Use Disk'] || level['Use Off Heap']) cached.add(Number(rdd['RDD ID']));
        }
        break;
      }
      case 'SparkListenerUnpersistRDD':
        metrics.unpersistedRdds.push(Number(event['RDD ID']));
        break;
      case 'SparkListenerTaskEnd': {
        const ok = event['Task End Reason']?.Reason === 'Success';
        const stage = Number(event['Stage ID']);
        const m = event['Task Metrics'];
        if (m) {
          const read = m['Shuffle Read Metrics'] ?? {};
          metrics.shuffleReadBytes += Number(read['Remote Bytes Read'] ?? 0) + Number(read['Local Bytes Read'] ?? 0);
          metrics.shuffleWriteBytes += Number(m['Shuffle Write Metrics']?.['Shuffle Bytes Written'] ?? 0);
          metrics.spillBytes += Number(m['Memory Bytes Spilled'] ?? 0) + Number(m['Disk Bytes Spilled'] ?? 0);
          if (ok && read['Total Records Read'] !== undefined) {
            const list = shuffleRecords.get(stage) ?? [];
            list.push(Number(read['Total Records Read']));
            shuffleRecords.set(stage, list);
          }
          const out = Number(m['Output Metrics']?.['Records Written'] ?? 0);
          if (ok && out > 0) {
            const list = written.get(stage) ?? [];
            list.push(out);
            written.set(stage, list);
          }
        }
        const info = event['Task Info'];
        if (info && ok) {
          const list = durations.get(stage) ?? [];
          list.push(Number(info['Finish Time']) - Number(info['Launch Time']));
          durations.set(stage, list);
          for (const acc of info.Accumulables ?? []) {
            const id = Number(acc.ID);
            if (acc.Update !== undefined && !Number.isNaN(Number(acc.Update))) {
              values.set(id, (values.get(id) ?? 0) + Number(acc.Update));
              accumulatorStages.set(id, (accumulatorStages.get(id) ?? new Set()).add(stage));
            }
          }
        }
        break;
      }
      case 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd': {
        const span = sqlSpans.get(Number(event.executionId));
        if (span && Number.isFinite(Number(event.time))) span.end = Number(event.time);
        break;
      }
      case 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart':
      case 'org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate': {
        const executionId = Number(event.executionId);
        if (event.Event.endsWith('SQLExecutionStart') && Number.isFinite(Number(event.time)))
          sqlSpans.set(executionId, { start: Number(event.time) });
        if (event.physicalPlanDescription) {
          metrics.plans.push(String(event.physicalPlanDescription));
          lastPlan.set(executionId, planTree(String(event.physicalPlanDescription)));
        }
        learnPlan(executionId, event.sparkPlanInfo);
        break;
      }
      case 'org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates':
        for (const [id, value] of event.accumUpdates ?? [])
          values.set(Number(id), (values.get(Number(id)) ?? 0) + Number(value));
        break;
    }
  }

  for (const list of durations.values()) {
    if (list.length < 2) continue;
    const mid = Math.max(median(list), 1);
    metrics.skewRatio = Math.max(metrics.skewRatio, Math.max(...list) / mid);
  }
  const allTasks = [...durations.values()].flat();
  metrics.longestTaskMs = allTasks.length ? Math.max(...allTasks) : 0;
  metrics.medianTaskMs = median(allTasks);
  metrics.sqlMs = unionMs([...sqlSpans.values()]);
  if (metrics.minPartitions === Number.MAX_SAFE_INTEGER) metrics.minPartitions = 0;
  metrics.skewRatio = Math.round(metrics.skewRatio * 100) / 100;
  metrics.finalPlans = [...lastPlan.values()];

  // Shuffle skew: among the stages that read a real share of the heaviest stage's records (≥ 10 %),
  // the one whose tasks are the most uneven. A stage of one task has no spread to judge.
  const spreads = [...shuffleRecords.entries()]
    .filter(([, list]) => list.length >= 2 && list.some((v) => v > 0))
    .map(([stage, list]) => spread(stage, list));
  const heaviest = Math.max(0, ...spreads.map((s) => s.total));
  const relevant = spreads.filter((s) => s.total >= heaviest * 0.1);
  metrics.shuffleSkew = relevant.sort((a, b) => b.ratio - a.ratio || b.total - a.total)[0] ?? null;
  metrics.stageShuffleRecords = Object.fromEntries(shuffleRecords);
  metrics.accumulatorStages = Object.fromEntries([...accumulatorStages].map(([id, stages]) => [id, [...stages]]));
  metrics.queries = [...trees.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([executionId, plan]) => ({ executionId, plan }));

  const value = (ids: Map<string, number>, name: string) => (ids.has(name) ? (values.get(ids.get(name)!) ?? 0) : null);
  for (const scan of scanNodes.values()) {
    metrics.scans.push({
      executionId: scan.executionId,
      node: scan.node,
      paths: scan.paths,
      filesRead: value(scan.ids, 'number of files read') ?? 0,
      partitionsRead: value(scan.ids, 'number of partitions read'),
      rows: value(scan.ids, 'number of output rows') ?? 0,
      bucketed: /Bucketed: true|SelectedBucketsCount/.test(scan.node),
    });
  }
  const writeStages = new Map<number, number[]>();
  for (const [stage, list] of written) {
    const execution = stageExecution.get(stage);
    if (execution !== undefined) writeStages.set(execution, [...(writeStages.get(execution) ?? []), ...list]);
  }
  const byExecution = new Map<number, WriteMetrics>();
  for (const write of writeNodes.values()) {
    const candidate: WriteMetrics = {
      executionId: write.executionId,
      path: write.path,
      files: value(write.ids, 'number of written files') ?? 0,
      rows: value(write.ids, 'number of output rows') ?? 0,
      bytes: value(write.ids, 'written output') ?? 0,
      partitions: value(write.ids, 'number of dynamic part') ?? 0,
      taskRecords: writeStages.get(write.executionId) ?? [],
    };
    // The same write appears in several adaptive plans, with the metrics filled in only one.
    const known = byExecution.get(write.executionId);
    if (!known || candidate.files > known.files) byExecution.set(write.executionId, candidate);
  }
  metrics.writes = [...byExecution.values()];
  metrics.cachedRdds = [...cached].sort((a, b) => a - b);
  return metrics;
}

/** The length of the union of finished intervals: nested queries (a write wraps its query) count once. */
export function unionMs(spans: Array<{ start: number; end?: number }>): number {
  const done = spans.filter((s) => s.end !== undefined && s.end >= s.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let until = -Infinity;
  for (const { start, end } of done) {
    if (end! <= until) continue;
    total += end! - Math.max(start, until);
    until = end!;
  }
  return total;
}

/** 4100000 → "4.1M", 12345 → "12k", 950 → "950". */
export function compact(value: number): string {
  if (value >= 1e6) return `${Math.round(value / 1e5) / 10}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (value >= 1e3) return `${Math.round(value / 1e2) / 10}k`;
  return String(Math.round(value));
}
