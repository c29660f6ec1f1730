import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCheckLine } from '../../src/cli/render/check-lines.js';
import { emptyState, lastMeasured, recordCheckResult, saveState } from '../../src/course/state.js';
import { metricsFromEventLog, unionMs } from '../../src/grading/kinds/spark-eventlog.js';
import { renameApp, sqlPage } from '../../src/grading/kinds/spark-history.js';
import { measuredText, sizeText } from '../../src/grading/kinds/spark-measured.js';
import { sparkMetricsKind } from '../../src/grading/kinds/spark.js';
import { sparkMetricsCheck } from '../../src/grading/schema.js';
import { setLang } from '../../src/i18n/lang.js';
import { displayWidth } from '../../src/ui/style.js';

// A day-3 pass says what was measured (job time, shuffle, longest and median task), what the last
// check measured, and links the History Server's SQL page of this run, whose app name tells it apart.

const SQL = 'org.apache.spark.sql.execution.ui.';
const line = (event: object) => JSON.stringify(event);
const task = (stage: number, ms: number, records: number, shuffleWrite = 0) =>
  line({
    Event: 'SparkListenerTaskEnd',
    'Stage ID': stage,
    'Task End Reason': { Reason: 'Success' },
    'Task Info': { 'Launch Time': 1000, 'Finish Time': 1000 + ms, Accumulables: [] },
    'Task Metrics': {
      'Shuffle Read Metrics': { 'Total Records Read': records, 'Local Bytes Read': records * 100 },
      'Shuffle Write Metrics': { 'Shuffle Bytes Written': shuffleWrite },
      'Output Metrics': { 'Records Written': 0 },
    },
  });
const LOG = [
  line({ Event: 'SparkListenerApplicationStart', 'App Name': 'day3-skew-join', 'App ID': 'local-42' }),
  line({ Event: `${SQL}SparkListenerSQLExecutionStart`, executionId: 0, time: 10_000 }),
  line({ Event: `${SQL}SparkListenerSQLExecutionStart`, executionId: 1, time: 10_500 }), // nested in 0
  line({ Event: `${SQL}SparkListenerSQLExecutionEnd`, executionId: 1, time: 11_000 }),
  line({ Event: `${SQL}SparkListenerSQLExecutionEnd`, executionId: 0, time: 13_000 }),
  line({ Event: `${SQL}SparkListenerSQLExecutionStart`, executionId: 2, time: 14_000 }),
  line({ Event: `${SQL}SparkListenerSQLExecutionEnd`, executionId: 2, time: 15_250 }),
  task(1, 100, 0, 2_000_000),
  task(1, 300, 0, 500_000),
  task(6, 2900, 228_000),
  task(6, 200, 27_000),
  task(6, 250, 27_000),
  line({ Event: 'SparkListenerApplicationEnd' }),
].join('\n');

describe('what a day-3 check measured', () => {
  it('reads job time (queries, overlaps once), the longest and median task from the event log', () => {
    const m = metricsFromEventLog(LOG, 'local-42');
    expect(m.sqlMs).toBe(4250); // 10.0–13.0 s and 14.0–15.25 s; query 1 runs inside query 0
    expect(m.longestTaskMs).toBe(2900);
    expect(m.medianTaskMs).toBe(250);
    expect(unionMs([{ start: 0, end: 5 }, { start: 3, end: 9 }, { start: 20 }])).toBe(9);
  });

  it('says it in one line: job time, shuffle bytes, tasks, the uneven stage', () => {
    const text = measuredText(metricsFromEventLog(LOG, 'local-42'));
    expect(text).toBe(
      'job 4.25 s · shuffle 2.5 MB written, 28.2 MB read · tasks: longest 2.90 s, median 0.25 s · ' +
        'stage 6 read 228k records in its longest task, 27k median',
    );
    expect([sizeText(0), sizeText(2048), sizeText(3.2e9)]).toEqual(['0 B', '2.0 kB', '3.2 GB']);
  });

  it('a pass carries the numbers and the SQL page of this run; a fail keeps the link in found', () => {
    const check = sparkMetricsCheck.parse({
      id: 'skew',
      kind: 'spark-metrics',
      title: { en: 't', ko: 't' },
      eventLogDir: '/opt/spark-events/abc',
      historyUrl: 'http://localhost:18080/history/{appId}/',
      expect: { maxShuffleReadSkew: 20 },
    });
    const observed = metricsFromEventLog(LOG, 'local-42');
    const pass = sparkMetricsKind.judge(check, observed, undefined);
    expect(pass.ok).toBe(true);
    expect(pass.measured).toContain('job 4.25 s');
    expect(pass.url).toBe('http://localhost:18080/history/local-42/SQL/');
    const fail = sparkMetricsKind.judge({ ...check, expect: { maxShuffleReadSkew: 3 } }, observed, undefined);
    expect(fail.ok).toBe(false);
    expect(fail.found).toContain('(see http://localhost:18080/history/local-42/SQL/)');
    expect(fail.measured).toContain('stage 6');
    expect(sqlPage('http://h:1/history/{appId}', 'x')).toBe('http://h:1/history/x/SQL/');
  });

  it('names the check’s and the reference’s runs apart in the History Server', () => {
    const learner = metricsFromEventLog(renameApp(LOG, 'learner'), 'local-42');
    const reference = metricsFromEventLog(renameApp(LOG, 'reference'), 'local-42');
    expect(learner.app).toBe('day3-skew-join (check of your files)');
    expect(reference.app).toBe('day3-skew-join (reference solution)');
    expect(learner.longestTaskMs).toBe(2900); // nothing else changed
    expect(renameApp('not a log', 'learner')).toBe('not a log');
  });
});

describe('before and after', () => {
  it('keeps what each check measured, for the next check to show', () => {
    const root = mkdtempSync(join(tmpdir(), 'de-lab-measured-'));
    try {
      saveState(root, emptyState());
      recordCheckResult(root, 'day3', 'skew-join', {
        passed: false,
        score: 2,
        maxScore: 4,
        checks: [
          { id: 'same-result', status: 'passed' },
          { id: 'no-skewed-task', status: 'failed', measured: 'job 7.20 s' },
        ],
      });
      expect([...lastMeasured(root, 'day3', 'skew-join')]).toEqual([['no-skewed-task', 'job 7.20 s']]);
      expect(lastMeasured(root, 'day3', 'partitions').size).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a passed check prints measured, last check and the queries page, lined up in both languages', () => {
    const passed = {
      id: 'no-skewed-task',
      title: 'even tasks',
      kind: 'spark-metrics',
      weight: 2,
      status: 'passed' as const,
      seconds: 3,
      expected: 'E',
      found: 'F',
      measured: 'job 4.25 s',
      before: 'job 7.20 s',
      url: 'http://localhost:18080/history/local-42/SQL/',
    };
    for (const lang of ['en', 'ko'] as const) {
      setLang(lang);
      const lines = renderCheckLine(passed).split('\n');
      expect(lines).toHaveLength(4);
      const columns = lines.slice(1).map((l, i) => displayWidth(l.slice(0, l.indexOf(['job 4', 'job 7', 'http'][i]!))));
      expect(new Set(columns).size, lang).toBe(1);
      expect(lines.join('\n')).not.toContain('F'); // a pass does not print expected/found
    }
    setLang('en');
    const failed = renderCheckLine({ ...passed, status: 'failed' as const });
    expect(failed).toContain('found:');
    expect(failed).toContain('measured:');
    expect(failed).not.toContain('queries:'); // the link is in found already
  });
});
