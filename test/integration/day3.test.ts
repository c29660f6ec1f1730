import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { expectSelftestOk } from '../helpers/selftest.js';

const EXERCISES = [
  'dataframe-basics',
  'partitions',
  'skew-join',
  'broadcast-join',
  'cache-reuse',
  'partition-pruning',
  'bucketing',
];

describe('day 3: Spark batch and tuning', () => {
  it(
    'selftest: every starter fails (the tuning check says what Spark did) and every reference solution passes',
    async () => {
      const result = await deLab(['selftest', 'day3', '--json'], { timeout: 25 * 60_000 });
      const rows = expectSelftestOk(result, EXERCISES);
      // The tuning starters get the result right the slow way: only the event-log check fails, and
      // its message says what Spark did and where to see it.
      for (const id of ['skew-join', 'broadcast-join', 'cache-reuse', 'bucketing']) {
        const failing = rows.find((row) => row.exercise === id)!.starter!.failing;
        expect(
          failing.some((f) => f.startsWith('same-result')),
          `${id}: ${failing.join('; ')}`,
        ).toBe(false);
        expect(failing.join('; '), id).toMatch(/http:\/\/localhost:18080\/history\/local-\d+\//);
      }
      const skew = rows.find((row) => row.exercise === 'skew-join')!.starter!.failing.join('; ');
      expect(skew).toMatch(/the longest task read [\d.]+[kM]? records, the median [\d.]+[kM]? \(×[\d.]+\): skewed/);
    },
    30 * 60_000,
  );

  describe('de-lab gen day3', () => {
    // The learner's day3 stack in a private workspace (the History Server comes up with it).
    const workspace = mkdtempSync(join(tmpdir(), 'de-lab-day3-gen-'));
    const env = isolatedEnv({ DE_LAB_WORKSPACE: workspace });
    const cli = (args: string[]) => deLab(args, { env });
    type Summary = {
      rows: number;
      hotProduct: number;
      tables: Record<string, { rows: number; files: number; checksum: string }>;
    };
    const gen = async (seed: number): Promise<Summary> => {
      const result = await cli(['gen', 'day3', '--seed', String(seed), '--count', '20000', '--json']);
      expect(result.exitCode, result.stderr + result.stdout).toBe(0);
      return JSON.parse(result.stdout).runs[0].summary as Summary;
    };

    beforeAll(async () => {
      const started = await cli(['start', 'day3', '--yes']);
      expect(started.exitCode, started.stderr + started.stdout).toBe(0);
    }, 10 * 60_000);

    afterAll(async () => {
      await cli(['stop', 'day3', '--yes']);
      await execa('docker', ['compose', '-p', 'de-lab-day3', 'down', '-v', '--remove-orphans', '--timeout', '5'], {
        reject: false,
      });
    }, 5 * 60_000);

    it(
      'writes every table into <workspace>/day3/data; the same seed gives the same rows, another seed other rows',
      async () => {
        const first = await gen(7);
        expect(first.rows).toBe(20000);
        expect(first.tables.sales).toMatchObject({ rows: 20000, files: 8 });
        expect(Object.keys(first.tables).sort()).toEqual(['basics', 'customers', 'products', 'sales', 'stores']);
        const data = join(workspace, 'day3', 'data');
        expect(readdirSync(join(data, 'sales')).filter((n) => n.endsWith('.parquet'))).toHaveLength(8);
        expect(existsSync(join(data, 'basics', 'orders.csv'))).toBe(true);

        const again = await gen(7);
        expect(again.tables).toEqual(first.tables);
        const other = await gen(8);
        for (const name of Object.keys(first.tables))
          expect(other.tables[name]!.checksum, name).not.toBe(first.tables[name]!.checksum);
      },
      5 * 60_000,
    );

    it(
      "a job that forges its own event log (the wanted plan, the run's tag) is refused: the grader reads only the one log of the run it launched",
      async () => {
        // Issue 22's cheapest false pass: the starter's sort-merge join, plus a made-up log with a
        // BroadcastHashJoin written into the event-log folder after the real one is finished.
        const init = await cli(['init', workspace, '--json']);
        expect(init.exitCode, init.stderr + init.stdout).toBe(0);
        const starter = readFileSync(resolve('labs/day3/exercises/broadcast-join/starter/broadcast_join.py'), 'utf8');
        const forge = `
import json as _json, os as _os, re as _re
_conf = spark.sparkContext.getConf()
_dir = _re.sub(r"^file:(//)?", "", _conf.get("spark.eventLog.dir"))
_tag = _conf.get("spark.delab.run", "")
spark.stop()
_plan = {"nodeName": "BroadcastHashJoin", "simpleString": "BroadcastHashJoin [store_id#1], [store_id#2], Inner, BuildRight, false", "children": [], "metrics": []}
_events = [
    {"Event": "SparkListenerApplicationStart", "App Name": "day3-broadcast-join", "App ID": "local-1"},
    {"Event": "SparkListenerEnvironmentUpdate", "Spark Properties": {"spark.delab.run": _tag}},
    {"Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart", "executionId": 0,
     "physicalPlanDescription": "== Physical Plan ==\\nBroadcastHashJoin Inner BuildRight\\n", "sparkPlanInfo": _plan},
    {"Event": "SparkListenerApplicationEnd", "Timestamp": 1},
]
with open(_os.path.join(_dir, "local-1"), "w") as _f:
    _f.write("\\n".join(_json.dumps(e) for e in _events) + "\\n")
`;
        expect(starter).toContain('spark.stop()');
        writeFileSync(
          join(workspace, 'day3', 'broadcast-join', 'broadcast_join.py'),
          starter.replace(/\nspark\.stop\(\)\s*$/, forge),
        );
        const result = await cli(['check', 'day3', 'broadcast-join', '--json']);
        expect(result.exitCode, result.stderr).toBe(1);
        const checks = (
          JSON.parse(result.stdout) as {
            results: Array<{ checks: Array<{ id: string; status: string; found?: string }> }>;
          }
        ).results[0]!.checks;
        const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
        expect(byId['same-result']?.status, JSON.stringify(byId['same-result'])).toBe('passed');
        expect(byId['broadcast-not-shuffled']?.status).toBe('failed');
        expect(byId['broadcast-not-shuffled']?.found).toMatch(
          /^2 entries in \/opt\/spark-events\/[0-9a-f]{8}, which the grader made for the one application it launched: /,
        );
      },
      10 * 60_000,
    );

    it('refuses an option the generator does not have, with the next step', async () => {
      const result = await cli(['gen', 'day3', '--wave', '2']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("day3's generator has no --wave option");
    });
  });
});
