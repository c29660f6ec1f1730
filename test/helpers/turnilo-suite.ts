import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deLab, repoRoot } from './cli.js';
import { Cleanup, docker, dockerOk, pollUntil, smokeName, waitHealthy } from './smoke-docker.js';
import { httpJson } from './http.js';
import { launchChromium } from './browser.js';

/**
 * The de-lab/turnilo image for real, against the project's Druid image (the Druid container of
 * druid.test.ts, on its network under the alias druid, as day 5 runs it: one Druid start serves
 * both files' checks). A small datasource is ingested (native index_parallel task, inline rows
 * with random values, so no total can be hard-coded), Turnilo discovers it as a data cube on its
 * own (sourceListScan: auto), a total queried through Turnilo equals Druid SQL's, and a real
 * browser (Debian's chromium, driven headless by playwright-core) opens the cube page and sees
 * that total rendered. The screenshot is kept in test-artifacts/turnilo-cube.png.
 */
export function describeTurnilo(stack: { network: () => string; druid: () => string; router: () => string }): void {
  const version = (name: string) =>
    (parse(readFileSync(join(repoRoot, 'labs', 'images', name, 'image.yaml'), 'utf8')) as { version: string }).version;
  const TURNILO = `de-lab/turnilo:${version('turnilo')}`;
  const LABELS = ['--label', 'de-lab.managed=false', '--label', 'de-lab.test=smoke'];
  const ARTIFACTS = join(repoRoot, 'test-artifacts');

  const id = randomBytes(3).toString('hex');
  const DATASOURCE = `smoke_events_${id}`;
  const COUNTRIES = ['KR', 'DE', 'US', 'BR'];
  const CHANNELS = ['web', 'ios', 'android'];
  /**
   * 24 rows in two hours of one day; `added` is random (1…3), so its total (24…72) differs from run
   * to run and stays below 100, where Turnilo's default format ("0,0.0 a") shows it unabbreviated.
   */
  const ROWS = COUNTRIES.flatMap((country, i) =>
    CHANNELS.flatMap((channel, j) =>
      [10, 11].map((hour) => ({
        ts: `2024-05-01T${hour}:${String(i * 10 + j).padStart(2, '0')}:00Z`,
        country,
        channel,
        user: `u${i}${j}`,
        added: randomInt(1, 4),
      })),
    ),
  );
  const TOTAL = ROWS.reduce((sum, row) => sum + row.added, 0);

  describe('image smoke: turnilo + druid', () => {
    const cleanup = new Cleanup();
    let turniloUrl = '';
    const turnilo = cleanup.container(smokeName('turnilo'));
    const http = httpJson;

    async function druidSql(query: string): Promise<{ status: number; rows: any[]; text: string }> {
      const result = await http(stack.router(), 'POST', '/druid/v2/sql', { query });
      return { status: result.status, rows: Array.isArray(result.json) ? result.json : [], text: result.text };
    }

    beforeAll(async () => {
      const built = await deLab(['images', 'build', 'turnilo'], { timeout: 30 * 60_000 });
      expect(
        built.exitCode,
        `de-lab images build turnilo failed (give the offline package folder with DE_LAB_PACKAGES):\n${built.stderr}`,
      ).toBe(0);
      await dockerOk([
        'run',
        '-d',
        '--name',
        turnilo,
        '--network',
        stack.network(),
        ...LABELS,
        '--health-interval',
        '1s',
        '-p',
        '127.0.0.1::9090',
        TURNILO,
      ]);
      turniloUrl = `http://${(await dockerOk(['port', turnilo, '9090/tcp'])).stdout.trim().split('\n')[0]}`;
    }, 35 * 60_000);

    afterAll(async () => {
      await cleanup.run();
    }, 120_000);

    it('turnilo 1.40.3 serves its app as the turnilo user, without the webpack report files', async () => {
      await waitHealthy(turnilo, 120_000);
      const info = await dockerOk([
        'exec',
        turnilo,
        'sh',
        '-c',
        'id -un; turnilo --version; ls /usr/local/lib/node_modules/turnilo/build; cat /usr/local/lib/node_modules/turnilo/node_modules/plywood/package.json',
      ]);
      const [user, turniloVersion] = info.stdout.split('\n');
      expect(user).toBe('turnilo');
      expect(turniloVersion).toBe(version('turnilo'));
      expect(info.stdout).not.toContain('report-client');
      expect(info.stdout).toContain('"version": "0.21.11"');
      const page = await http(turniloUrl, 'GET', '/');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<title>Turnilo (${version('turnilo')})</title>`);
    });

    it(
      'Druid ingests the small datasource and SQL returns its total',
      async () => {
        // Ready when the image's health check (every Druid service) passes. On a loaded 2-core machine
        // Druid can need more than the check's 4-minute start period, so the container runs with a
        // longer one and the wait is on "healthy"; it fails at once if Druid exits.
        await pollUntil(
          'Druid to become healthy',
          async () => {
            const state = (
              await docker(['inspect', '-f', '{{.State.Status}} {{.State.Health.Status}}', stack.druid()])
            ).stdout.trim();
            if (!state.startsWith('running'))
              throw new Error(
                `${stack.druid()} is ${state}:\n${(await docker(['logs', '--tail', '40', stack.druid()])).stdout}`,
              );
            return state === 'running healthy' ? true : undefined;
          },
          12 * 60_000,
        );
        const submit = () =>
          http(stack.router(), 'POST', '/druid/indexer/v1/task', {
            type: 'index_parallel',
            spec: {
              dataSchema: {
                dataSource: DATASOURCE,
                timestampSpec: { column: 'ts', format: 'iso' },
                dimensionsSpec: { dimensions: ['country', 'channel', 'user', { type: 'long', name: 'added' }] },
                granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
              },
              ioConfig: {
                type: 'index_parallel',
                inputSource: { type: 'inline', data: ROWS.map((row) => JSON.stringify(row)).join('\n') },
                inputFormat: { type: 'json' },
              },
              tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: 1 },
            },
          });
        // The overlord may still be taking leadership right after "healthy" (HTTP 500/503): retry until it accepts.
        const submitted = await pollUntil(
          'the overlord to accept the task',
          async () => {
            const answer = await submit();
            return answer.status >= 500 ? undefined : answer;
          },
          3 * 60_000,
        );
        expect(submitted.status, submitted.text).toBe(200);
        const task = submitted.json.task as string;
        const final = await pollUntil(
          `task ${task}`,
          async () => {
            const status = await http(
              stack.router(),
              'GET',
              `/druid/indexer/v1/task/${encodeURIComponent(task)}/status`,
            );
            const code: string = status.json?.status?.statusCode ?? 'UNKNOWN';
            return ['SUCCESS', 'FAILED'].includes(code) ? code : undefined;
          },
          4 * 60_000,
        );
        expect(final).toBe('SUCCESS');
        const rows = await pollUntil(
          'the datasource to be queryable',
          async () => {
            const result = await druidSql(`SELECT COUNT(*) AS "rows", SUM(added) AS total FROM "${DATASOURCE}"`);
            return result.status === 200 && result.rows[0]?.rows === ROWS.length ? result.rows : undefined;
          },
          3 * 60_000,
        );
        expect(rows).toEqual([{ rows: ROWS.length, total: TOTAL }]);
      },
      20 * 60_000,
    );

    it("Turnilo discovers the datasource as a data cube, and its total equals Druid SQL's", async () => {
      const cube = await pollUntil(
        'Turnilo to list the data cube',
        async () => {
          const sources = await http(turniloUrl, 'GET', '/sources');
          return (sources.json?.dataCubes as Array<any> | undefined)?.find((c) => c.name === DATASOURCE);
        },
        2 * 60_000,
      );
      expect(cube.clusterName).toBe('druid');
      expect(Object.keys(cube.dimensions.byName)).toEqual(
        expect.arrayContaining(['time', 'country', 'channel', 'user']),
      );
      expect(Object.keys(cube.measures.byName)).toContain('added');

      const [{ total }] = (await druidSql(`SELECT SUM(added) AS total FROM "${DATASOURCE}"`)).rows;
      // Plywood (Turnilo's query layer) needs a time filter on Druid, as the UI always sends one.
      const sum = {
        op: 'sum',
        operand: {
          op: 'filter',
          operand: { op: 'ref', name: 'main' },
          expression: {
            op: 'overlap',
            operand: { op: 'ref', name: '__time' },
            expression: {
              op: 'literal',
              value: { start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z' },
              type: 'TIME_RANGE',
            },
          },
        },
        expression: { op: 'ref', name: 'added' },
      };
      const viaTurnilo = await http(turniloUrl, 'POST', '/plywood', {
        dataCube: DATASOURCE,
        timezone: 'Etc/UTC',
        expression: sum,
      });
      expect(viaTurnilo.status, viaTurnilo.text).toBe(200);
      expect(viaTurnilo.json.result).toBe(total);
      expect(total).toBe(TOTAL);
    });

    it('a real browser (headless chromium) opens the cube page and sees that total rendered', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(`${turniloUrl}/#${DATASOURCE}`);
        // The Totals view shows the measure's title and its value, formatted by Turnilo's own numbro
        // with the measure's default format; below 100 that is the exact total, e.g. 57 → "57.0".
        const formatted = (
          await dockerOk([
            'exec',
            turnilo,
            'node',
            '-e',
            `process.stdout.write(require("/usr/local/lib/node_modules/turnilo/node_modules/numbro")(${TOTAL}).format("0,0.0 a"))`,
          ])
        ).stdout.trim();
        expect(formatted).toBe(`${TOTAL}.0`);
        const rendered = page.locator('.total .measure-value', { hasText: formatted });
        await rendered
          .first()
          .waitFor({ state: 'visible', timeout: 90_000 })
          .catch(async (error) => {
            mkdirSync(ARTIFACTS, { recursive: true });
            await page.screenshot({ path: join(ARTIFACTS, 'turnilo-cube-failed.png') });
            throw new Error(`${String(error)}\nPage text: ${(await page.locator('body').innerText()).slice(0, 1500)}`);
          });
        expect((await rendered.first().innerText()).trim()).toBe(formatted);
        expect(await page.title()).toContain('Turnilo');
        await expect(page.locator('.total .measure-name').first().innerText()).resolves.toMatch(/added/i);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'turnilo-cube.png') });
      } finally {
        await browser.close();
      }
    });
  });
}
