import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, isolatedEnv, repoRoot } from '../helpers/cli.js';
import { expectSelftestOk } from '../helpers/selftest.js';
import { httpJson } from '../helpers/http.js';
import { launchChromium } from '../helpers/browser.js';

const EXERCISES = [
  'fluentd-to-kafka',
  'spark-enrich',
  'druid-ingestion',
  'batch-backfill',
  'turnilo-cube',
  'reset-replay',
];
const ARTIFACTS = join(repoRoot, 'test-artifacts');
const DRUID = 'http://127.0.0.1:8888';
const TURNILO = 'http://127.0.0.1:9090';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sql(query: string): Promise<Array<Record<string, any>>> {
  const result = await httpJson(DRUID, 'POST', '/druid/v2/sql', { query });
  return result.status === 200 && Array.isArray(result.json) ? result.json : [];
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(2000);
  }
}

describe('day 5: the whole pipeline', () => {
  it(
    'selftest: every starter fails at least one check and every reference solution passes all',
    async () => {
      // One private day-5 stack for all six exercises: about 8 minutes on an idle 2-core machine.
      const result = await deLab(['selftest', 'day5', '--json'], { timeout: 60 * 60_000 });
      expectSelftestOk(result, EXERCISES);
    },
    65 * 60_000,
  );

  describe("a learner's day: start, skip ahead, check, Turnilo in a browser, reset", () => {
    const workspace = mkdtempSync(join(tmpdir(), 'de-lab-day5-'));
    const env = isolatedEnv({ DE_LAB_WORKSPACE: workspace });
    const cli = (args: string[], timeout = 10 * 60_000) => deLab(args, { env, timeout });
    const solution = (exercise: string, file: string) =>
      cpSync(
        join(repoRoot, 'labs', 'day5', 'exercises', exercise, 'solution', file),
        join(workspace, 'day5', exercise, file),
      );

    beforeAll(async () => {
      const init = await cli(['init', workspace, '--json']);
      expect(init.exitCode, init.stderr + init.stdout).toBe(0);
      const started = await cli(['start', 'day5', '--yes'], 15 * 60_000);
      expect(started.exitCode, started.stderr + started.stdout).toBe(0);
    }, 16 * 60_000);

    afterAll(async () => {
      await cli(['stop', 'day5', '--yes']);
      await execa('docker', ['compose', '-p', 'de-lab-day5', 'down', '-v', '--remove-orphans', '--timeout', '5'], {
        reject: false,
      });
    }, 5 * 60_000);

    it(
      '`gen -- --feed druid` skips Fluentd and Spark: Druid holds what the reference stages make, and only under its seed',
      async () => {
        const fed = await cli(['gen', 'day5', '--seed', '101', '--', '--feed', 'druid']);
        expect(fed.exitCode, fed.stderr + fed.stdout).toBe(0);
        const total = await until('Druid to answer for the fed ratings', 4 * 60_000, async () => {
          const rows = await sql('SELECT SUM("count") AS n FROM ratings');
          return Number(rows[0]?.n ?? 0) > 1000 ? Number(rows[0]?.n) : undefined;
        });
        await sleep(5000);
        expect((await sql('SELECT SUM("count") AS n FROM ratings'))[0]?.n).toBe(total);
        // The grader's own verdicts on that datasource: right under seed 101, wrong under 202.
        const verify = (seed: string) =>
          cli([
            'shell',
            'day5',
            'spark',
            '--',
            'python3',
            '/opt/de-lab/gen/day5.py',
            'verify-druid',
            'totals',
            '--datasource',
            'ratings',
            '--seed',
            seed,
          ]);
        expect((await verify('101')).stdout).toMatch(/^PASS/m);
        expect((await verify('202')).stdout).toMatch(/^FAIL: .*genres differ/m);
      },
      8 * 60_000,
    );

    it(
      '`check day5 druid-ingestion` grades the learner folder on a scratch copy and passes the reference spec',
      async () => {
        solution('druid-ingestion', 'supervisor.json');
        const checked = await cli(['check', 'day5', 'druid-ingestion', '--json']);
        expect(checked.exitCode, checked.stderr + checked.stdout).toBe(0);
        const report = JSON.parse(checked.stdout) as {
          results?: Array<{ passed: boolean; checks: Array<{ id: string; status: string }> }>;
        };
        const checks = report.results?.[0]?.checks ?? [];
        expect(checks.map((c) => c.id)).toEqual([
          'supervisor-running',
          'totals-per-genre',
          'event-time',
          'rollup-ratio',
          'day-segments',
        ]);
        expect(checks.map((c) => c.status)).toEqual(checks.map(() => 'passed'));
        // The learner's own pipeline (the supervisor `ratings` of the feed) was left running.
        const supervisors = await httpJson(DRUID, 'GET', '/druid/indexer/v1/supervisor');
        expect(supervisors.json).toContain('ratings');
      },
      10 * 60_000,
    );

    it(
      '`run day5 turnilo-cube` restarts Turnilo with the learner file; a real browser sees live ratings in the cube',
      async () => {
        // Live ratings (timed now), so the cube's latest hours are not empty.
        const live = await cli([
          'gen',
          'day5',
          '--rate',
          '50',
          '--count',
          '300',
          '--seed',
          '5',
          '--',
          '--feed',
          'druid',
        ]);
        expect(live.exitCode, live.stderr + live.stdout).toBe(0);
        solution('turnilo-cube', 'config.yaml');
        const ran = await cli(['run', 'day5', 'turnilo-cube']);
        expect(ran.exitCode, ran.stderr + ran.stdout).toBe(0);
        expect(ran.stdout + ran.stderr).toContain('Turnilo runs your config now');
        const cube = await until('Turnilo to serve the cube ratings', 2 * 60_000, async () => {
          const sources = await httpJson(TURNILO, 'GET', '/sources').catch(() => undefined);
          return (sources?.json?.dataCubes as Array<any> | undefined)?.find((c) => c.name === 'ratings');
        });
        expect(cube.defaultTimezone).toBe('Asia/Seoul');
        expect(cube.refreshRule).toEqual({ rule: 'realtime' });

        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
          await page.goto(`${TURNILO}/#ratings`);
          const total = page.locator('.total .measure-value');
          await total
            .first()
            .waitFor({ state: 'visible', timeout: 90_000 })
            .catch(async (error) => {
              mkdirSync(ARTIFACTS, { recursive: true });
              await page.screenshot({ path: join(ARTIFACTS, 'day5-cube-failed.png') });
              throw new Error(
                `${String(error)}\nPage text: ${(await page.locator('body').innerText()).slice(0, 1500)}`,
              );
            });
          await expect(page.locator('.total .measure-name').first().innerText()).resolves.toMatch(/Ratings/);
          // The live ratings of the cube's default window (latest 6 hours), as Druid SQL counts
          // them once they stop changing (the feed drops its few malformed events: about 294 of 300).
          let last = -1;
          const counted = await until('Druid to count the live ratings', 2 * 60_000, async () => {
            const rows = await sql(
              `SELECT SUM("count") AS n FROM ratings WHERE __time >= CURRENT_TIMESTAMP - INTERVAL '6' HOUR`,
            );
            const n = Number(rows[0]?.n ?? 0);
            const stable = n > 250 && n === last;
            last = n;
            return stable ? n : undefined;
          });
          expect(counted).toBeLessThanOrEqual(300);
          let shown = '';
          await until(`the cube total to show the ${counted} live ratings`, 90_000, async () => {
            shown = (await total.first().innerText()).trim();
            if (shown === `${counted}.0`) return true;
            await page.reload();
            await total.first().waitFor({ state: 'visible', timeout: 30_000 });
            return undefined;
          }).catch((error) => {
            throw new Error(`${String(error)}; the page shows ${shown}`);
          });
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, 'day5-cube.png') });
        } finally {
          await browser.close();
        }
      },
      8 * 60_000,
    );

    it(
      "`run day5 reset-replay` with the reference script leaves the learner's pipeline empty",
      async () => {
        solution('reset-replay', 'reset.py');
        const ran = await cli(['run', 'day5', 'reset-replay']);
        expect(ran.exitCode, ran.stderr + ran.stdout).toBe(0);
        const left = await cli([
          'shell',
          'day5',
          'spark',
          '--',
          'python3',
          '/opt/de-lab/gen/day5.py',
          'verify-reset',
          '--dir',
          '/lab/day5/reset-replay',
        ]);
        expect(left.stdout).toMatch(/^PASS/m);
      },
      8 * 60_000,
    );
  });
});
