/**
 * The part of an application that an exercise is about: the write to its output path, the join
 * whose two sides read its tables, the cache of the frame it reuses. A check judges that part
 * only, so an extra write, an unrelated shuffle or join, or a cache of something else neither
 * passes nor fails it; and when the part is not there, the check fails saying so.
 */
import type { Verdict } from '../compare.js';
import {
  compact,
  median,
  type PlanNode,
  type QueryPlan,
  type SparkMetrics,
  type WriteMetrics,
} from './spark-eventlog.js';

/**
 * Whether a path Spark read or wrote is `want`: an absolute `want` is that folder or a file in it
 * (so a copy elsewhere is not it); a bare name (a table's, e.g. sales_bucketed) is one path segment.
 */
export function pathIs(path: string, want: string): boolean {
  if (want.startsWith('/')) {
    const w = want.replace(/(.)\/+$/, '$1');
    return path === w || path.startsWith(`${w}/`);
  }
  return path.split('/').includes(want);
}

export function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

/** Every path the scans under a node read. */
export function readsOf(node: PlanNode): string[] {
  const paths: string[] = [];
  walk(node, (n) => paths.push(...n.paths));
  return paths;
}

const reads = (node: PlanNode, want: string) => readsOf(node).some((p) => pathIs(p, want));

/** The writes to `path` (an exact output folder or a table name), in the order they ran. */
export function writesTo(metrics: SparkMetrics, path: string): WriteMetrics[] {
  return metrics.writes.filter((w) => pathIs(w.path, path)).sort((a, b) => a.executionId - b.executionId);
}

export type Paths = string | string[];
const list = (paths: Paths) => (Array.isArray(paths) ? paths : [paths]);
export const shown = (paths: Paths) => list(paths).join(' or ');

/** The queries that wrote one of `paths`; with none, a failing verdict that says what was written. */
export function queriesWriting(metrics: SparkMetrics, paths: Paths): QueryPlan[] | Verdict {
  const ids = new Set(list(paths).flatMap((p) => writesTo(metrics, p).map((w) => w.executionId)));
  const queries = metrics.queries.filter((q) => ids.has(q.executionId));
  if (queries.length > 0) return queries;
  return {
    ok: false,
    expected: `a query that writes ${shown(paths)}`,
    found: `no query wrote it (${writtenList(metrics)})`,
  };
}

export function writtenList(metrics: SparkMetrics): string {
  const paths = [...new Set(metrics.writes.map((w) => w.path).filter(Boolean))];
  return paths.length
    ? `the job wrote ${paths.slice(0, 4).join(', ')}${paths.length > 4 ? ' …' : ''}`
    : 'the job wrote no files';
}

export interface JoinFound {
  executionId: number;
  node: PlanNode;
  strategy: string;
  type: string;
  /** The side a broadcast join sends to every task (null: not a broadcast join). */
  build: PlanNode | null;
  sides: [PlanNode, PlanNode];
}

const JOIN = /^(BroadcastHashJoin|SortMergeJoin|ShuffledHashJoin|BroadcastNestedLoopJoin|CartesianProduct)/;
const JOIN_TYPE = /\b(Inner|LeftOuter|RightOuter|FullOuter|LeftSemi|LeftAnti|Cross|ExistenceJoin)\b/;

export function joinsIn(query: QueryPlan): JoinFound[] {
  const found: JoinFound[] = [];
  walk(query.plan, (node) => {
    const strategy = JOIN.exec(node.name)?.[1];
    if (!strategy || node.children.length !== 2) return;
    const sides = node.children as [PlanNode, PlanNode];
    const side = /\bBuild(Left|Right)\b/.exec(node.text)?.[1];
    const build = strategy.startsWith('Broadcast')
      ? side === 'Left'
        ? sides[0]
        : side === 'Right'
          ? sides[1]
          : null
      : null;
    found.push({
      executionId: query.executionId,
      node,
      strategy,
      type: JOIN_TYPE.exec(node.text)?.[1] ?? 'Inner',
      build,
      sides,
    });
  });
  return found;
}

export interface JoinExpect {
  inputs: [string, string];
  query?: Paths;
  type?: string;
  strategy?: string | string[];
  broadcast?: string;
  maxShuffleReadSkew?: number;
  noExchange?: boolean;
}

const describeJoin = (j: JoinFound) => `${j.strategy} ${j.type}`;
/** What a join side reads, by file or folder name ("in-memory rows" for a frame made in the program). */
const short = (side: PlanNode) =>
  [...new Set(readsOf(side).map((p) => p.split('/').pop()))].join('+') || 'in-memory rows';

/** The joins an expectation is about: in the query that writes its output, one side reading each input. */
export function joinVerdicts(e: JoinExpect, metrics: SparkMetrics): Verdict[] {
  const where = e.query ? queriesWriting(metrics, e.query) : metrics.queries;
  if (!Array.isArray(where)) return [where];
  const [a, b] = e.inputs;
  const all = where.flatMap(joinsIn);
  const joins = all.filter(
    (j) =>
      ((reads(j.sides[0], a) && reads(j.sides[1], b)) || (reads(j.sides[0], b) && reads(j.sides[1], a))) &&
      (!e.type || j.type === e.type),
  );
  const what = `${e.type ? `${e.type} ` : ''}join of ${a} with ${b}${e.query ? ` in the query that writes ${shown(e.query)}` : ''}`;
  if (joins.length === 0)
    return [
      {
        ok: false,
        expected: `a ${what}`,
        found: all.length
          ? `the joins there: ${[...new Set(all.map((j) => `${describeJoin(j)} of ${short(j.sides[0])} with ${short(j.sides[1])}`))].slice(0, 4).join('; ')}`
          : 'no join there',
      },
    ];
  const verdicts: Verdict[] = [{ ok: true, expected: `a ${what}`, found: joins.map(describeJoin).join(', ') }];
  if (e.strategy) {
    const allowed = Array.isArray(e.strategy) ? e.strategy : [e.strategy];
    const other = joins.find((j) => !allowed.includes(j.strategy));
    verdicts.push({
      ok: !other,
      expected: `the ${what} is a ${allowed.join(' or ')}`,
      found: other ? `it is a ${describeJoin(other)}` : joins.map(describeJoin).join(', '),
    });
  }
  if (e.broadcast) {
    const want = e.broadcast;
    const other = want === a ? b : a;
    const wrong = joins.find((j) => !j.build || !reads(j.build, want) || reads(j.build, other));
    verdicts.push({
      ok: !wrong,
      expected: `the ${what} broadcasts ${want} (the small side), not ${other}`,
      found: !wrong
        ? `${want} is broadcast`
        : !wrong.build
          ? `it is a ${describeJoin(wrong)}: nothing is broadcast`
          : `it broadcasts ${reads(wrong.build, other) ? other : readsOf(wrong.build).join(', ') || 'something else'}`,
    });
  }
  if (e.noExchange) {
    const queries = where.filter((q) => joins.some((j) => j.executionId === q.executionId));
    let exchange: PlanNode | undefined;
    for (const q of queries) walk(q.plan, (n) => (exchange ??= /Exchange/.test(n.name) ? n : undefined));
    verdicts.push({
      ok: !exchange,
      expected: `no Exchange in the query of the ${what}`,
      found: exchange ? `${exchange.text.split('\n')[0]!.slice(0, 120)}` : 'none',
    });
  }
  if (e.maxShuffleReadSkew !== undefined) verdicts.push(joinSkewVerdict(e.maxShuffleReadSkew, joins, metrics, what));
  return verdicts;
}

/** The records each task of the stages that ran the join read from the shuffle: longest / median. */
function joinSkewVerdict(limit: number, joins: JoinFound[], metrics: SparkMetrics, what: string): Verdict {
  const stages = new Set(
    joins.flatMap((j) => j.node.accumulators.flatMap((id) => metrics.accumulatorStages[id] ?? [])),
  );
  const expected = `the tasks of the ${what} read even shares of records (longest/median ≤ ${limit})`;
  const spreads = [...stages]
    .map((stage) => ({ stage, records: metrics.stageShuffleRecords[stage] ?? [] }))
    .filter((s) => s.records.length >= 2 && s.records.some((r) => r > 0))
    .map((s) => {
      const max = Math.max(...s.records);
      const mid = median(s.records);
      return { ...s, max, mid, ratio: Math.round((max / Math.max(mid, 1)) * 100) / 100 };
    })
    .sort((x, y) => y.ratio - x.ratio);
  const worst = spreads[0];
  if (!worst)
    return {
      ok: false,
      expected,
      found: `no stage that ran it read shuffle data with more than one task (${joins.map(describeJoin).join(', ')})`,
    };
  return {
    ok: worst.ratio <= limit,
    expected,
    found: `stage ${worst.stage} (${worst.records.length} tasks): the longest task read ${compact(worst.max)} records, the median ${compact(worst.mid)} (×${worst.ratio})${worst.ratio > limit ? ': skewed' : ''}`,
  };
}

export interface CacheExpect {
  of: string[];
  minQueries: number;
}

/** Queries that read back a cached frame built from all of `of` (InMemoryTableScan over their scans). */
export function cacheVerdict(e: CacheExpect, metrics: SparkMetrics): Verdict {
  const readers = new Set<number>();
  let other = 0;
  for (const q of metrics.queries)
    walk(q.plan, (n) => {
      if (!/^InMemoryTableScan/.test(n.name)) return;
      if (e.of.every((want) => reads(n, want))) readers.add(q.executionId);
      else other += 1;
    });
  const expected = `a cache of the frame built from ${e.of.join(' and ')}, read back by ≥ ${e.minQueries} queries (InMemoryTableScan)`;
  const found =
    readers.size > 0
      ? `it was read by ${readers.size} quer${readers.size === 1 ? 'y' : 'ies'}`
      : metrics.cachedRdds.length === 0 && other === 0
        ? 'nothing was cached (no persisted RDD)'
        : `no query read a cache of it${other ? ` (${other} read${other === 1 ? '' : 's'} of a cache of something else)` : ''}`;
  return { ok: readers.size >= e.minQueries, expected, found };
}

export interface WriteExpect {
  path: string;
  files?: number;
  maxSkew?: number;
  minPartitions?: number;
}

/** The last write to the exercise's output path: files, rows per writing task, partition folders. */
export function writeVerdicts(e: WriteExpect, metrics: SparkMetrics): Verdict[] {
  const write = writesTo(metrics, e.path).at(-1);
  if (!write)
    return [{ ok: false, expected: `a write to ${e.path}`, found: `no write to it (${writtenList(metrics)})` }];
  const verdicts: Verdict[] = [];
  if (e.files !== undefined)
    verdicts.push({
      ok: write.files === e.files,
      expected: `${e.files} output files`,
      found: `${write.files} files (${compact(write.rows)} rows by ${write.taskRecords.length} tasks)`,
    });
  if (e.maxSkew !== undefined) {
    const max = Math.max(0, ...write.taskRecords);
    const min = write.taskRecords.length ? Math.min(...write.taskRecords) : 0;
    const ratio = min > 0 ? Math.round((max / min) * 100) / 100 : Infinity;
    verdicts.push({
      ok: ratio <= e.maxSkew,
      expected: `files of balanced size (largest/smallest task's rows ≤ ${e.maxSkew})`,
      found: write.taskRecords.length
        ? `the writing tasks wrote ${compact(min)} to ${compact(max)} rows each (×${ratio})`
        : 'no task wrote rows',
    });
  }
  if (e.minPartitions !== undefined)
    verdicts.push({
      ok: write.partitions >= e.minPartitions,
      expected: `output partitioned into ≥ ${e.minPartitions} folders`,
      found: write.partitions ? `${write.partitions} partition folders` : 'an unpartitioned write',
    });
  return verdicts;
}
