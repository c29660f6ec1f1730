import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../compare.js';
import type { Check } from '../schema.js';
import { allOf, type CheckKind } from './types.js';

type SparkCheck = Extract<Check, { kind: 'spark-metrics' }>;

export interface SparkMetrics {
  app: string;
  file: string;
  stages: number;
  maxPartitions: number;
  minPartitions: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  spillBytes: number;
  skewRatio: number;
  plans: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Metrics of one application from Spark's JSON event log (one event per line). */
export function metricsFromEventLog(text: string, file: string): SparkMetrics {
  const metrics: SparkMetrics = { app: '', file, stages: 0, maxPartitions: 0, minPartitions: Number.MAX_SAFE_INTEGER, shuffleReadBytes: 0, shuffleWriteBytes: 0, spillBytes: 0, skewRatio: 1, plans: [] };
  const durations = new Map<number, number[]>();
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
        break;
      case 'SparkListenerStageCompleted': {
        const tasks = Number(event['Stage Info']?.['Number of Tasks'] ?? 0);
        metrics.stages += 1;
        metrics.maxPartitions = Math.max(metrics.maxPartitions, tasks);
        metrics.minPartitions = Math.min(metrics.minPartitions, tasks);
        break;
      }
      case 'SparkListenerTaskEnd': {
        const m = event['Task Metrics'];
        if (m) {
          const read = m['Shuffle Read Metrics'] ?? {};
          metrics.shuffleReadBytes += Number(read['Remote Bytes Read'] ?? 0) + Number(read['Local Bytes Read'] ?? 0);
          metrics.shuffleWriteBytes += Number(m['Shuffle Write Metrics']?.['Shuffle Bytes Written'] ?? 0);
          metrics.spillBytes += Number(m['Memory Bytes Spilled'] ?? 0) + Number(m['Disk Bytes Spilled'] ?? 0);
        }
        const info = event['Task Info'];
        if (info && event['Task End Reason']?.Reason === 'Success') {
          const stage = Number(event['Stage ID']);
          const list = durations.get(stage) ?? [];
          list.push(Number(info['Finish Time']) - Number(info['Launch Time']));
          durations.set(stage, list);
        }
        break;
      }
      case 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart':
      case 'org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate':
        if (event.physicalPlanDescription) metrics.plans.push(String(event.physicalPlanDescription));
        break;
    }
  }
  for (const list of durations.values()) {
    if (list.length < 2) continue;
    const mid = Math.max(median(list), 1);
    metrics.skewRatio = Math.max(metrics.skewRatio, Math.max(...list) / mid);
  }
  if (metrics.minPartitions === Number.MAX_SAFE_INTEGER) metrics.minPartitions = 0;
  metrics.skewRatio = Math.round(metrics.skewRatio * 100) / 100;
  return metrics;
}

export const sparkMetricsKind: CheckKind<SparkCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    const dir = join(ctx.workdir, check.eventLogDir);
    if (!existsSync(dir)) return { error: `no event log folder ${check.eventLogDir}` };
    const files = readdirSync(dir)
      .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isFile())
      .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { name } of files) {
      const metrics = metricsFromEventLog(readFileSync(join(dir, name), 'utf8'), name);
      if (!check.app || new RegExp(check.app).test(metrics.app)) return metrics;
    }
    return { error: `no event log of an application${check.app ? ` named /${check.app}/` : ''} in ${check.eventLogDir}` };
  },
  judge(check, observed: SparkMetrics & { error?: string }) {
    if (observed.error) return { ok: false, expected: 'a Spark event log', found: observed.error };
    const e = check.expect;
    const verdicts: Verdict[] = [];
    const atMost = (name: string, limit: number | undefined, value: number) => limit !== undefined && verdicts.push({ ok: value <= limit, expected: `${name} ≤ ${limit}`, found: `${name} ${value}` });
    const atLeast = (name: string, limit: number | undefined, value: number) => limit !== undefined && verdicts.push({ ok: value >= limit, expected: `${name} ≥ ${limit}`, found: `${name} ${value}` });
    atMost('shuffle write bytes', e.maxShuffleWriteBytes, observed.shuffleWriteBytes);
    atMost('shuffle read bytes', e.maxShuffleReadBytes, observed.shuffleReadBytes);
    atMost('spill bytes', e.maxSpillBytes, observed.spillBytes);
    atMost('task skew (max/median)', e.maxSkewRatio, observed.skewRatio);
    atMost('stages', e.maxStages, observed.stages);
    atLeast('stages', e.minStages, observed.stages);
    atMost('partitions of the widest stage', e.maxPartitions, observed.maxPartitions);
    atLeast('partitions of the widest stage', e.minPartitions, observed.maxPartitions);
    const plan = observed.plans.join('\n');
    if (e.joinStrategy) verdicts.push({ ok: plan.includes(e.joinStrategy), expected: `a ${e.joinStrategy} in the physical plan`, found: joinsIn(plan) });
    for (const text of e.planContains ?? []) verdicts.push({ ok: plan.includes(text), expected: `plan contains ${text}`, found: plan.includes(text) ? 'it does' : 'it does not' });
    for (const text of e.planNotContains ?? []) verdicts.push({ ok: !plan.includes(text), expected: `plan without ${text}`, found: plan.includes(text) ? 'it is there' : 'absent' });
    return allOf(verdicts);
  },
};

function joinsIn(plan: string): string {
  const joins = [...new Set(plan.match(/\b(BroadcastHashJoin|SortMergeJoin|ShuffledHashJoin|BroadcastNestedLoopJoin|CartesianProduct)\b/g) ?? [])];
  return joins.length ? `joins: ${joins.join(', ')}` : 'no join in the plan';
}
