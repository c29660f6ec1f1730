import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../compare.js';
import { serviceContainerId } from '../../stack/sandbox/containers.js';
import type { RunContext } from '../context.js';
import type { Check } from '../schema.js';
import { compact, metricsFromEventLog, plainPath, type SparkMetrics } from './spark-eventlog.js';
import { cacheVerdict, joinVerdicts, pathIs, queriesWriting, writeVerdicts } from './spark-targets.js';
import { publishForHistory, renameApp, sqlPage } from './spark-history.js';
import { measuredText } from './spark-measured.js';
import { allOf, type CheckKind } from './types.js';

export { metricsFromEventLog, type SparkMetrics } from './spark-eventlog.js';

type SparkCheck = Extract<Check, { kind: 'spark-metrics' }>;

/** The Spark property the grader sets on the jobs it launches (`--conf spark.delab.run={unique}`). */
export const TAG_PROPERTY = 'spark.delab.run';

/** What the run's event-log folder held: its entries' names, and the one file's text when there is exactly one. */
export interface RunFolder {
  entries: string[];
  /** null: the only entry is not a regular file. */
  text?: string | null;
}

/**
 * The one application log of the run the grader launched, or why there is none: the folder the
 * grader made empty for this run must hold exactly one finished log, of one application, whose
 * id is its file name, started with the run's tag and logging to this folder. A job that writes a
 * second log (or a log elsewhere) is refused, not believed.
 */
export function runLog(
  folder: RunFolder | null,
  check: Pick<SparkCheck, 'eventLogDir' | 'tag' | 'app'>,
): SparkMetrics | { error: string } {
  const dir = check.eventLogDir;
  if (!folder) return { error: `the event-log folder ${dir} that the grader made for this run is gone` };
  const names = folder.entries;
  if (names.length === 0)
    return { error: `the job left no event log in ${dir} (spark.eventLog.enabled or spark.eventLog.dir changed?)` };
  if (names.length > 1)
    return {
      error: `${names.length} entries in ${dir}, which the grader made for the one application it launched: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ' …' : ''}`,
    };
  const name = names[0]!;
  if (name.endsWith('.inprogress'))
    return { error: `the application did not finish: its event log ${name} is still in progress` };
  if (folder.text === null || folder.text === undefined) return { error: `${dir}/${name} is not a regular file` };
  if (folder.text.trim() === '') return { error: `the event log ${name} is empty` };
  const metrics = metricsFromEventLog(folder.text, name);
  const problem =
    metrics.appStarts !== 1
      ? `it holds ${metrics.appStarts} application starts, not 1`
      : metrics.appId !== name
        ? `its application id ${metrics.appId || '(none)'} is not its file name`
        : !metrics.appEnded
          ? 'it has no application end'
          : metrics.properties['spark.app.id'] !== undefined && metrics.properties['spark.app.id'] !== metrics.appId
            ? `its spark.app.id ${metrics.properties['spark.app.id']} is not its application id`
            : check.tag && metrics.properties[TAG_PROPERTY] !== check.tag
              ? `it was not started with ${TAG_PROPERTY}=${check.tag}`
              : metrics.properties['spark.eventLog.dir'] !== undefined &&
                  plainPath(metrics.properties['spark.eventLog.dir']) !== plainPath(dir)
                ? `it says it logged to ${metrics.properties['spark.eventLog.dir']}`
                : check.app && !new RegExp(check.app).test(metrics.app)
                  ? `its application ${metrics.app} is not named /${check.app}/`
                  : '';
  return problem
    ? { error: `the event log ${name} in ${dir} is not the log of the run the grader launched: ${problem}` }
    : metrics;
}

/** Logs larger than this are refused (a 200,000-row job's log is about 2 MB). */
const MAX_LOG_BYTES = 256 * 1024 * 1024;

/**
 * The run's event-log folder inside a service's container, read through the engine's archive API:
 * no process runs in the container the learner's job ran in, so nothing it left there can answer.
 */
async function fromService(ctx: RunContext, check: SparkCheck): Promise<RunFolder | null> {
  const containerId = await serviceContainerId(ctx.docker, ctx.dayProject, check.service!);
  const container = ctx.docker.getContainer(containerId);
  let archive: NodeJS.ReadableStream;
  try {
    archive = (await container.getArchive({ path: check.eventLogDir })) as NodeJS.ReadableStream;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
  const { extract } = await import('tar-stream');
  const entries: Array<{ name: string; type: string; text?: string }> = [];
  const tar = extract();
  await new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      // "<folder>/<name>": the folder's own entries only (a sub-folder's files are not logs of this run).
      const parts = header.name.replace(/\/+$/, '').split('/');
      const direct = parts.length === 2;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (direct && header.type === 'file' && size <= MAX_LOG_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (direct)
          entries.push({
            name: parts[1]!,
            type: header.type ?? 'file',
            text: header.type === 'file' && size <= MAX_LOG_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined,
          });
        next();
      });
      stream.resume();
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(tar);
  });
  const only = entries.length === 1 ? entries[0]! : undefined;
  if (only?.text !== undefined && check.historyUrl)
    await publishForHistory(container, check.eventLogDir, only.name, renameApp(only.text, ctx.role));
  return { entries: entries.map((e) => e.name), ...(entries.length === 1 ? { text: only?.text ?? null } : {}) };
}

function fromHost(ctx: RunContext, check: SparkCheck): RunFolder | null {
  const dir = join(ctx.workdir, check.eventLogDir);
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return null;
  const entries = readdirSync(dir);
  if (entries.length !== 1) return { entries };
  const file = join(dir, entries[0]!);
  return { entries, text: lstatSync(file).isFile() ? readFileSync(file, 'utf8') : null };
}

export const sparkMetricsKind: CheckKind<SparkCheck> = {
  needsReference: () => false,
  async observe(ctx, check) {
    return runLog(check.service ? await fromService(ctx, check) : fromHost(ctx, check), check);
  },
  judge(check, observed: SparkMetrics & { error?: string }) {
    if (observed.error)
      return { ok: false, expected: 'the Spark event log of the run the grader launched', found: observed.error };
    const verdict = { ...judgeMetrics(check.expect, observed), measured: measuredText(observed) };
    if (!check.historyUrl) return verdict;
    const url = sqlPage(check.historyUrl, observed.appId);
    return verdict.ok ? { ...verdict, url } : { ...verdict, found: `${verdict.found} (see ${url})`, url };
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
  // The exercise's own write and joins, then byte counts: a failure names the operator first (what to change), then the cost.
  if (e.write) verdicts.push(...writeVerdicts(e.write, observed));
  for (const join of e.joins ?? []) verdicts.push(...joinVerdicts(join, observed));
  atMost('shuffle write bytes', e.maxShuffleWriteBytes, observed.shuffleWriteBytes);
  atMost('shuffle read bytes', e.maxShuffleReadBytes, observed.shuffleReadBytes);
  if (e.maxShuffleReadSkew !== undefined) verdicts.push(shuffleSkewVerdict(e.maxShuffleReadSkew, observed));
  for (const scan of e.scans ?? []) verdicts.push(...scanVerdicts(scan, observed));
  if (e.cache) verdicts.push(cacheVerdict(e.cache, observed));
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
  if (verdicts.length === 0)
    verdicts.push({ ok: false, expected: 'something to judge', found: 'the check expects nothing' });
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
  let scans = observed.scans.filter(
    (s) =>
      s.paths.some((p) => pathIs(p, expect.path)) || (!expect.path.startsWith('/') && s.node.includes(expect.path)),
  );
  if (expect.query) {
    const queries = queriesWriting(observed, expect.query);
    if (!Array.isArray(queries)) return [queries];
    const ids = new Set(queries.map((q) => q.executionId));
    scans = scans.filter((s) => ids.has(s.executionId));
    if (scans.length === 0)
      return [
        {
          ok: false,
          expected: `the query that writes ${[expect.query].flat().join(' or ')} reads ${expect.path}`,
          found: `it does not read ${expect.path}`,
        },
      ];
  }
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
