import { compact, type SparkMetrics } from './spark-eventlog.js';

// What a day-3 check measured, shown with its verdict whether it passed or not: the numbers that
// tuning changes (job time, shuffle, the longest task against the median), not only a ✔.

/** 1234567 → "1.2 MB", 2048 → "2.0 kB", 0 → "0 B" (decimal units, as Spark's UI shows them). */
export function sizeText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${Math.round(bytes)} B`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/**
 * One line of the run's numbers: job time (the SQL queries' wall time, without JVM start-up),
 * shuffle bytes, the longest and the median task, the most uneven shuffle stage's records per task,
 * and spill when there was any.
 */
export function measuredText(m: SparkMetrics): string {
  const parts = [
    `job ${seconds(m.sqlMs)}`,
    `shuffle ${sizeText(m.shuffleWriteBytes)} written, ${sizeText(m.shuffleReadBytes)} read`,
    `tasks: longest ${seconds(m.longestTaskMs)}, median ${seconds(m.medianTaskMs)}`,
  ];
  const s = m.shuffleSkew;
  if (s) parts.push(`stage ${s.stage} read ${compact(s.max)} records in its longest task, ${compact(s.median)} median`);
  if (m.spillBytes > 0) parts.push(`spill ${sizeText(m.spillBytes)}`);
  return parts.join(' · ');
}
