import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
        expect((await verify('101')).stdout).toMatch(/^DE-LAB-VERDICT \S* \{"ok": true/m);
        expect((await verify('202')).stdout).toMatch(/^DE-LAB-VERDICT \S* \{"ok": false.*genres differ/m);
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
        // The check's own supervisor, tasks and datasource are gone: the metadata store holds no
        // used segment of it (a task stopped while it published would bring the datasource back).
        const graded = (names: unknown) => (names as string[]).filter((n) => n.startsWith('druid-ingestion-'));
        expect(graded(supervisors.json)).toEqual([]);
        await sleep(3000);
        const used = await httpJson(DRUID, 'GET', '/druid/coordinator/v1/metadata/datasources');
        expect(graded(used.json)).toEqual([]);
      },
      10 * 60_000,
    );

    // Hostile learners (issue 22): each passed its check on the grader before judge containers,
    // verdict lines, the seed kept from learner processes and the Turnilo allow-list.
    type Checked = { id: string; status: string; found?: string; message?: string };
    const hostile = async (exercise: string, file: string, text: string): Promise<Checked[]> => {
      writeFileSync(join(workspace, 'day5', exercise, file), text);
      const checked = await cli(['check', 'day5', exercise, '--json'], 15 * 60_000);
      const report = JSON.parse(checked.stdout) as { results?: Array<{ checks: Checked[] }> };
      return report.results?.[0]?.checks ?? [];
    };
    const status = (checks: Checked[], id: string) => checks.find((c) => c.id === id)?.status;

    it(
      'a supervisor whose genre values carry a newline and PASS does not pass totals-per-genre',
      async () => {
        const spec = JSON.parse(
          readFileSync(join(repoRoot, 'labs/day5/exercises/druid-ingestion/solution/supervisor.json'), 'utf8'),
        );
        spec.spec.dataSchema.transformSpec = {
          transforms: [{ type: 'expression', name: 'genre', expression: "concat('\nPASS: ', genre)" }],
        };
        const checks = await hostile('druid-ingestion', 'supervisor.json', JSON.stringify(spec, null, 2));
        expect(status(checks, 'totals-per-genre'), JSON.stringify(checks)).toBe('failed');
        // The learner's value is quoted inside the verdict, never a line of its own.
        expect(checks.find((c) => c.id === 'totals-per-genre')?.found ?? '').not.toMatch(/^PASS/m);
      },
      16 * 60_000,
    );

    it(
      'a Spark job that looks for the seed (its argv, /proc) and regenerates the output gets nothing',
      async () => {
        const thief = [
          'import os, sys',
          '',
          'def find_seed():',
          '    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:',
          '        try:',
          '            argv = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace").split("\\0")',
          '        except OSError:',
          '            continue',
          '        if "--seed" in argv:',
          '            return int(argv[argv.index("--seed") + 1])',
          '    return None',
          '',
          'class Done:',
          '    isActive = False',
          '    recentProgress = []',
          '    def awaitTermination(self, *a):',
          '        return True',
          '    def exception(self):',
          '        return None',
          '    def stop(self):',
          '        pass',
          '',
          'def start(spark, cfg):',
          '    seed = find_seed()',
          '    if seed is None:',
          '        raise SystemExit("thief: no seed anywhere")',
          '    sys.path[:0] = ["/opt/de-lab/gen", "/opt/de-lab/shared"]',
          '    import kafka_io, ratings',
          '    marker = cfg.checkpoint + ".forged"',
          '    if not os.path.exists(marker):',
          '        w1, w2 = ratings.raw_waves(seed)',
          '        out = ratings.enriched(seed, w1 + w2)',
          '        kafka_io.produce(cfg.out_topic, [(r["movie_id"], r, None) for r in out])',
          '        open(marker, "w").close()',
          '    return Done()',
          '',
        ].join('\n');
        const checks = await hostile('spark-enrich', 'enrich_ratings.py', thief);
        for (const id of ['keyed-by-movie', 'enriched-records', 'once-across-restart'])
          expect(status(checks, id), JSON.stringify(checks)).not.toBe('passed');
      },
      16 * 60_000,
    );

    it(
      'a Turnilo config with a plugin (which forges the observation) is refused, naming the key',
      async () => {
        // The plugin: once loaded, it overwrites whatever observation the grader writes with one
        // of a perfect cube, while the cube itself is wrong (one dimension, rows counted, UTC).
        const forged = {
          errors: [],
          cubes: ['ratings'],
          cube: {
            source: 'x',
            timezone: 'Asia/Seoul',
            refresh: { rule: 'realtime' },
            dimensions: ['genre', 'country', 'liked'],
            measures: { events: 'x', avg_rating: 'y' },
          },
          sql: [{ genre: 'a', n: 2, s: 6 }],
          viaTurnilo: { events: { total: 2, byGenre: [['a', 2]] }, avg_rating: { total: 3, byGenre: [['a', 3]] } },
        };
        writeFileSync(join(workspace, 'day5', 'turnilo-cube', 'forged.json'), JSON.stringify(forged));
        writeFileSync(
          join(workspace, 'day5', 'turnilo-cube', 'forge.js'),
          [
            "const { spawn } = require('child_process');",
            'const loop = \'for i in $(seq 1 240); do for f in /tmp/de-lab-day5/*.json /lab/day5/*/.judge/turnilo.json; do [ -f "$f" ] && cp /lab/day5/turnilo-cube/forged.json "$f"; done; sleep 0.5; done\';',
            "spawn('sh', ['-c', loop], { detached: true, stdio: 'ignore' }).unref();",
            'exports.plugin = () => {};',
            '',
          ].join('\n'),
        );
        const config = [
          'clusters:',
          '  - name: druid',
          '    url: http://druid:8888',
          'plugins:',
          '  - name: forge',
          '    path: /lab/day5/turnilo-cube/forge.js',
          'dataCubes:',
          '  - name: ratings',
          '    clusterName: druid',
          '    source: ratings',
          '    introspection: none',
          '    timeAttribute: __time',
          '    dimensions:',
          '      - name: __time',
          '        kind: time',
          '        formula: $__time',
          '      - name: genre',
          '        formula: $genre',
          '    measures:',
          '      - name: events',
          '        formula: $main.count()',
          '',
        ].join('\n');
        const checks = await hostile('turnilo-cube', 'config.yaml', config);
        for (const id of ['cube-listed', 'total-ratings', 'average-rating', 'seoul-time', 'realtime-refresh']) {
          const check = checks.find((c) => c.id === id);
          expect(check?.status, JSON.stringify(checks)).toBe('failed');
          expect(check?.found ?? check?.message ?? '', id).toContain('plugins');
        }
      },
      16 * 60_000,
    );

    it(
      'a Fluentd config whose records carry no event_id does not pass the time/key check for "every" record',
      async () => {
        const conf = readFileSync(
          join(repoRoot, 'labs/day5/exercises/fluentd-to-kafka/solution/fluent.conf'),
          'utf8',
        ).replace(
          '<match ratings.raw>',
          '<filter ratings.raw>\n  @type record_transformer\n  remove_keys event_id\n</filter>\n\n<match ratings.raw>',
        );
        const checks = await hostile('fluentd-to-kafka', 'fluent.conf', conf);
        expect(status(checks, 'key-and-event-time'), JSON.stringify(checks)).toBe('failed');
        expect(status(checks, 'every-event-once'), JSON.stringify(checks)).toBe('failed');
      },
      16 * 60_000,
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
        expect(left.stdout).toMatch(/^DE-LAB-VERDICT \S* \{"ok": true/m);
      },
      8 * 60_000,
    );
  });
});
