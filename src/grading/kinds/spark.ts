import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Verdict } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import type { RunContext } from '../context.js';
import type { Check } from '../schema.js';
import { compact, metricsFromEventLog, type SparkMetrics } from './spark-eventlog.js';
import { allOf, type CheckKind } from './types.js';

export { metricsFromEventLog, type SparkMetrics } from './spark-eventlog.js';

type SparkCheck = Extract<Check, { kind: 'spark-metrics' }>;

/** The Spark property the grader sets on the jobs it launches (`--conf spark.delab.run={unique}`). */
export const TAG_PROPERTY = 'spark.delab.run';

function selected(check: SparkCheck, metrics: SparkMetrics): boolean {
  if (check.tag && metrics.properties[TAG_PROPERTY] !== check.tag) return false;
  return !check.app || new RegExp(check.app).test(metrics.app);
}

function describe(check: SparkCheck): string {
  const what = [check.tag ? `started with ${TAG_PROPERTY}=${check.tag}` : '', check.app ? `named /${check.app}/` : '']
    .filter(Boolean)
    .join(' and ');
  return `no finished event log of an application${what ? ` ${what}` : ''} in ${check.eventLogDir}`;
}

/** Event logs inside a service's container: the newest finished one that mentions the tag, gzip+base64 over exec. */
async function fromService(ctx: RunContext, check: SparkCheck): Promise<SparkMetrics | { error: string }> {
  const containerId = await serviceContainerId(ctx.docker, ctx.dayProject, check.service!);
  const dir = check.eventLogDir.replace(/'/g, '');
  const tag = (check.tag ?? '').replace(/'/g, '');
  const script = `cd '${dir}' 2>/dev/null || exit 3; for f in $(ls -t); do case "$f" in *.inprogress) continue;; esac; [ -f "$f" ] || continue; if [ -z '${tag}' ] || grep -q -F -- '${tag}' "$f"; then echo "$f"; gzip -c "$f" | base64 | tr -d '\\n'; exit 0; fi; done; exit 4`;
  const out = await execService({
    docker: ctx.docker,
    containerId,
    command: ['sh', '-c', script],
    timeoutMs: check.timeoutSec * 1000,
  });
  if (out.exitCode === 3) return { error: `no event log folder ${check.eventLogDir} in service ${check.service}` };
  if (out.exitCode !== 0) return { error: describe(check) };
  const [name, data] = out.stdout.split('\n');
  const metrics = metricsFromEventLog(gunzipSync(Buffer.from(data ?? '', 'base64')).toString('utf8'), name ?? '');
  return selected(check, metrics) ? metrics : { error: describe(check) };
}

function fromHost(ctx: RunContext, check: SparkCheck): SparkMetrics | { error: string } {
  const dir = join(ctx.workdir, check.eventLogDir);
  if (!existsSync(dir)) return { error: `no event log folder ${check.eventLogDir}` };
  const files = readdirSync(dir)
    .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isFile())
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of files) {
    const metrics = metricsFromEventLog(readFileSync(join(dir, name), 'utf8'), name);
    if (selected(check, metrics)) return metrics;
  }
  return { error: describe(check) };
}

export const sparkMetricsKind: CheckKind<SparkCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    return check.service ? fromService(ctx, check) : fromHost(ctx, check);
  },
  judge(check, observed: SparkMetrics & { error?: string }) {
    if (observed.error) return { ok: false, expected: 'a Spark event log', found: observed.error };
    const verdict = judgeMetrics(check.expect, observed);
    if (verdict.ok || !check.historyUrl) return verdict;
    return { ...verdict, found: `${verdict.found} (see ${check.historyUrl.replace('{appId}', observed.appId)})` };
  },
};

/** Compares what Spark did with what the check expects; a failure says what Spark did, in numbers. */
export function judgeMetrics(e: SparkCheck['expect'], observed: SparkMetrics): Verdict {
  const verdicts: Verdict[] = [];
  const atMost = (name: string, limit: number | undefined, value: number) =>
    limit !== undefined &&
    verdicts.push({ ok: value <= limit, expected: `${name} ≤ ${limit}`, found: `${name} ${value}` });
  const atLeast = (name: string, limit: number | undefined, value: number) =>
    limit !== undefined &&
    verdicts.push({ ok: value >= limit, expected: `${name} ≥ ${limit}`, found: `${name} ${value}` });
  atMost('spill bytes', e.maxSpillBytes, observed.spillBytes);
  atMost('task skew (max/median)', e.maxSkewRatio, observed.skewRatio);
  atMost('stages', e.maxStages, observed.stages);
  atLeast('stages', e.minStages, observed.stages);
  atMost('partitions of the widest stage', e.maxPartitions, observed.maxPartitions);
  atLeast('partitions of the widest stage', e.minPartitions, observed.maxPartitions);
  const plan = observed.plans.join('\n');
  if (e.joinStrategy)
    verdicts.push({
      ok: plan.includes(e.joinStrategy),
      expected: `a ${e.joinStrategy} in the physical plan`,
      found: joinsIn(plan),
    });
  for (const text of e.planContains ?? [])
    verdicts.push({
      ok: plan.includes(text),
      expected: `plan contains ${text}`,
      found: plan.includes(text) ? 'it does' : 'it does not',
    });
  for (const text of e.planNotContains ?? [])
    verdicts.push({
      ok: !plan.includes(text),
      expected: `plan without ${text}`,
      found: plan.includes(text) ? 'it is there' : 'absent',
    });
  const finals = observed.finalPlans;
  for (const text of e.finalPlanContains ?? []) {
    const ok = finals.some((p) => p.includes(text));
    verdicts.push({
      ok,
      expected: `${text} in the final physical plan`,
      found: ok ? `${text} is there` : `no ${text} in any final plan (${joinsIn(finals.join('\n'))})`,
    });
  }
  for (const text of e.finalPlanNotContains ?? []) {
    const offending = finals.find((p) => p.includes(text));
    verdicts.push({
      ok: !offending,
      expected: `no ${text} in the final physical plans`,
      found: offending ? `${text} in: ${firstLineWith(offending, text)}` : 'absent',
    });
  }
  // Byte counts after the plan: a failure names the operator first (what to change), then the cost.
  atMost('shuffle write bytes', e.maxShuffleWriteBytes, observed.shuffleWriteBytes);
  atMost('shuffle read bytes', e.maxShuffleReadBytes, observed.shuffleReadBytes);
  if (e.maxShuffleReadSkew !== undefined) verdicts.push(shuffleSkewVerdict(e.maxShuffleReadSkew, observed));
  for (const scan of e.scans ?? []) verdicts.push(...scanVerdicts(scan, observed));
  if (e.cached !== undefined) verdicts.push(cachedVerdict(e.cached, observed));
  if (e.unpersisted) {
    const kept = observed.cachedRdds.filter((id) => !observed.unpersistedRdds.includes(id));
    verdicts.push({
      ok: observed.cachedRdds.length > 0 && kept.length === 0,
      expected: 'every cached dataset released with unpersist()',
      found:
        observed.cachedRdds.length === 0
          ? 'nothing was cached'
          : kept.length
            ? `RDD ${kept.join(', ')} still cached when the job ended`
            : 'all released',
    });
  }
  if (e.outputFiles !== undefined || e.maxOutputSkew !== undefined || e.minOutputPartitions !== undefined)
    verdicts.push(...writeVerdicts(e, observed));
  return allOf(verdicts);
}

function shuffleSkewVerdict(limit: number, observed: SparkMetrics): Verdict {
  const s = observed.shuffleSkew;
  const expected = `tasks of every shuffle-reading stage read even shares of records (longest/median ≤ ${limit})`;
  if (!s) return { ok: false, expected, found: 'no stage read shuffle data with more than one task' };
  const found = `stage ${s.stage} (${s.tasks} tasks): the longest task read ${compact(s.max)} records, the median ${compact(s.median)} (×${s.ratio})${s.ratio > limit ? ': skewed' : ''}`;
  return { ok: s.ratio <= limit, expected, found };
}

type ScanExpect = NonNullable<SparkCheck['expect']['scans']>[number];

function scanVerdicts(expect: ScanExpect, observed: SparkMetrics): Verdict[] {
  const scans = observed.scans.filter((s) => s.node.includes(expect.path));
  const ran = scans.filter((s) => s.rows > 0 || s.filesRead > 0);
  const verdicts: Verdict[] = [];
  if (scans.length === 0)
    return [{ ok: false, expected: `a file scan of ${expect.path}`, found: `no query read ${expect.path}` }];
  const executions = new Set(ran.map((s) => s.executionId)).size;
  if (expect.maxExecutions !== undefined)
    verdicts.push({
      ok: executions <= expect.maxExecutions,
      expected: `${expect.path} read by at most ${expect.maxExecutions} quer${expect.maxExecutions === 1 ? 'y' : 'ies'}`,
      found: `${expect.path} was read from files by ${executions} quer${executions === 1 ? 'y' : 'ies'} (${ran.map((s) => compact(s.rows)).join(' + ')} rows)`,
    });
  if (expect.minExecutions !== undefined)
    verdicts.push({
      ok: executions >= expect.minExecutions,
      expected: `${expect.path} read by at least ${expect.minExecutions} queries`,
      found: `${executions}`,
    });
  const last = ran[ran.length - 1] ?? scans[scans.length - 1]!;
  if (expect.maxPartitionsRead !== undefined || expect.minPartitionsRead !== undefined) {
    if (last.partitionsRead === null)
      verdicts.push({
        ok: false,
        expected: `a partitioned ${expect.path} (partitionBy)`,
        found: `the scan of ${expect.path} has no partitions: it read ${last.filesRead} files, ${compact(last.rows)} rows`,
      });
    else {
      const p = last.partitionsRead;
      const ok =
        (expect.maxPartitionsRead === undefined || p <= expect.maxPartitionsRead) &&
        (expect.minPartitionsRead === undefined || p >= expect.minPartitionsRead);
      const range =
        expect.minPartitionsRead === expect.maxPartitionsRead
          ? `${expect.maxPartitionsRead}`
          : `${expect.minPartitionsRead ?? 0}–${expect.maxPartitionsRead ?? '∞'}`;
      verdicts.push({
        ok,
        expected: `the scan of ${expect.path} reads ${range} partitions`,
        found: `it read ${p} partitions (${last.filesRead} files, ${compact(last.rows)} rows)`,
      });
    }
  }
  if (expect.maxFilesRead !== undefined)
    verdicts.push({
      ok: last.filesRead <= expect.maxFilesRead,
      expected: `the scan of ${expect.path} reads ≤ ${expect.maxFilesRead} files`,
      found: `it read ${last.filesRead} files`,
    });
  if (expect.bucketed !== undefined) {
    const bucketed = scans.some((s) => s.bucketed);
    verdicts.push({
      ok: bucketed === expect.bucketed,
      expected: `${expect.path} read ${expect.bucketed ? 'as' : 'not as'} a bucketed table`,
      found: bucketed ? 'bucketed scan' : 'plain (not bucketed) scan',
    });
  }
  return verdicts;
}

function cachedVerdict(want: boolean, observed: SparkMetrics): Verdict {
  const reads = observed.finalPlans.filter((p) => p.includes('InMemoryTableScan')).length;
  const ok = want ? observed.cachedRdds.length > 0 && reads > 0 : reads === 0;
  const found =
    observed.cachedRdds.length === 0
      ? 'nothing was cached (no persisted RDD)'
      : `${observed.cachedRdds.length} cached RDD(s), read back by ${reads} quer${reads === 1 ? 'y' : 'ies'} (InMemoryTableScan)`;
  return { ok, expected: want ? 'data cached and read back from the cache (InMemoryTableScan)' : 'no cache', found };
}

function writeVerdicts(e: SparkCheck['expect'], observed: SparkMetrics): Verdict[] {
  const write = [...observed.writes].sort((a, b) => b.rows - a.rows)[0];
  if (!write) return [{ ok: false, expected: 'a file write', found: 'the job wrote no files' }];
  const verdicts: Verdict[] = [];
  if (e.outputFiles !== undefined)
    verdicts.push({
      ok: write.files === e.outputFiles,
      expected: `${e.outputFiles} output files`,
      found: `${write.files} files (${compact(write.rows)} rows by ${write.taskRecords.length} tasks)`,
    });
  if (e.maxOutputSkew !== undefined) {
    const max = Math.max(0, ...write.taskRecords);
    const min = write.taskRecords.length ? Math.min(...write.taskRecords) : 0;
    const ratio = min > 0 ? Math.round((max / min) * 100) / 100 : Infinity;
    verdicts.push({
      ok: ratio <= e.maxOutputSkew,
      expected: `files of balanced size (largest/smallest task's rows ≤ ${e.maxOutputSkew})`,
      found: `the writing tasks wrote ${compact(min)} to ${compact(max)} rows each (×${ratio})`,
    });
  }
  if (e.minOutputPartitions !== undefined)
    verdicts.push({
      ok: write.partitions >= e.minOutputPartitions,
      expected: `output partitioned into ≥ ${e.minOutputPartitions} folders`,
      found: write.partitions ? `${write.partitions} partition folders` : 'an unpartitioned write',
    });
  return verdicts;
}

function firstLineWith(plan: string, text: string): string {
  return (plan.split('\n').find((line) => line.includes(text)) ?? '').trim();
}

function joinsIn(plan: string): string {
  const joins = [
    ...new Set(
      plan.match(/\b(BroadcastHashJoin|SortMergeJoin|ShuffledHashJoin|BroadcastNestedLoopJoin|CartesianProduct)\b/g) ??
        [],
    ),
  ];
  return joins.length ? `joins: ${joins.join(', ')}` : 'no join in the plan';
}
