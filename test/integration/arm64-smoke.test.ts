import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { expectSqlRoundTrip, startMariadb } from '../helpers/mariadb-smoke.js';
import {
  Cleanup,
  docker,
  dockerOk,
  pollUntil,
  sharedTempDir,
  smokeName,
  waitHealthy,
} from '../helpers/smoke-docker.js';

/**
 * The light images built for linux/arm64 on an amd64 engine, run under emulation (qemu-user with
 * binfmt): the same mariadb + tools checks as image-smoke.test.ts, and fluentd's version, gems and
 * in_http → out_file from fluentd-image.test.ts (100 events instead of 1,000). Opt-in, because CI has no room
 * for it yet (docs/benchmarks.md, "arm64 under emulation"): set DE_LAB_ARM64_SMOKE=1 after
 *   sudo bash .ci/arm64-base.sh && de-lab images build tools mariadb fluentd --platform linux/arm64
 * Without the variable, or without those images, every test is skipped with the reason.
 */

const prefix = process.env.DE_LAB_IMAGE_PREFIX || 'de-lab';
const tagOf = (name: string) =>
  `${prefix}/${name}:${(parse(readFileSync(join(repoRoot, 'labs', 'images', name, 'image.yaml'), 'utf8')) as { version: string }).version}-arm64`;
const TOOLS = tagOf('tools');
const MARIADB = tagOf('mariadb');
const FLUENTD = tagOf('fluentd');

/** Why the tests of `names` cannot run here, or undefined when they can. */
async function whyNot(names: string[]): Promise<string | undefined> {
  if (process.env.DE_LAB_ARM64_SMOKE !== '1') return 'arm64 smoke tests are opt-in: set DE_LAB_ARM64_SMOKE=1';
  for (const name of names) {
    const tag = tagOf(name);
    const found = await docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', tag]);
    if (found.exitCode !== 0 || found.stdout.trim() !== 'linux/arm64') {
      return `${tag} (linux/arm64) is not in the engine: run \`sudo bash .ci/arm64-base.sh\`, then \`de-lab images build ${names.join(' ')} --platform linux/arm64\``;
    }
  }
  return undefined;
}

const cleanup = new Cleanup();
afterAll(async () => {
  await cleanup.run();
}, 120_000);

describe('arm64 under emulation: mariadb + tools', () => {
  const network = cleanup.network(smokeName('net'));
  const mariadb = cleanup.container(smokeName('mariadb-arm64'));
  let skipReason: string | undefined;

  beforeAll(async () => {
    skipReason = await whyNot(['tools', 'mariadb']);
    if (skipReason) return;
    await dockerOk(['network', 'create', '--label', 'de-lab.test=smoke', network]);
    // A limit, so that a server that grows without bound under emulation is killed alone (it once
    // took 23 GiB before the image capped innodb_buffer_pool_size_max).
    await startMariadb(MARIADB, mariadb, network, ['--memory', '1g', '--memory-swap', '1g']);
  }, 120_000);

  it('the tools image is linux/arm64 and its programs run as aarch64 code', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const run = await dockerOk([
      'run',
      '--rm',
      '--label',
      'de-lab.test=smoke',
      TOOLS,
      'sh',
      '-c',
      'uname -m; dpkg --print-architecture; mysql --version; jq --version',
    ]);
    const [machine, dpkgArch, mysql, jq] = run.stdout.trim().split('\n');
    expect([machine, dpkgArch]).toEqual(['aarch64', 'arm64']);
    expect(mysql).toMatch(/MariaDB/);
    expect(jq).toMatch(/^jq-1\./);
  });

  it('mariadb (arm64): becomes healthy and answers SQL from the arm64 tools container as the app user', async ({
    skip,
  }) => {
    if (skipReason) skip(skipReason);
    // Emulated: the first start (system tables, initdb) is several times slower than native.
    await waitHealthy(mariadb, 600_000);
    const server = await dockerOk(['exec', mariadb, 'uname', '-m']);
    expect(server.stdout.trim()).toBe('aarch64');
    await expectSqlRoundTrip(TOOLS, mariadb, network);
  });
});

describe('arm64 under emulation: fluentd', () => {
  const dir = cleanup.dir(sharedTempDir('de-lab-smoke-fluentd-arm64-'));
  const fluentd = cleanup.container(smokeName('fluentd-arm64'));
  let skipReason: string | undefined;

  beforeAll(async () => {
    skipReason = await whyNot(['fluentd']);
    if (skipReason) return;
    for (const sub of ['out']) {
      mkdirSync(join(dir, sub));
      chmodSync(join(dir, sub), 0o777); // fluentd runs as uid 999
    }
    writeFileSync(join(dir, 'fluent.conf'), HTTP_TO_FILE);
    await dockerOk([
      'run',
      '-d',
      '--name',
      fluentd,
      '--label',
      'de-lab.managed=false',
      '--label',
      'de-lab.test=smoke',
      '--health-interval',
      '2s',
      '-p',
      '127.0.0.1::9880',
      '-v',
      `${dir}:/fluentd/smoke`,
      '-e',
      'FLUENTD_CONF=/fluentd/smoke/fluent.conf',
      FLUENTD,
    ]);
  }, 120_000);

  it('runs 1.18.0 with fluent-plugin-kafka as aarch64 code, as the fluent user', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const info = await dockerOk([
      'exec',
      fluentd,
      'sh',
      '-c',
      'uname -m; id -un; fluentd --version; fluent-gem list --local',
    ]);
    expect(info.stdout).toMatch(/^aarch64\nfluent\nfluentd 1\.18\.0/);
    expect(info.stdout).toMatch(/^fluent-plugin-kafka \(0\.19\.3\)/m);
    expect(info.stdout).toMatch(/^msgpack \(/m);
  });

  it('in_http → out_file: 100 events posted, 100 records in the file, each once', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    // Emulated: Ruby's start is several times slower than native.
    await waitHealthy(fluentd, 600_000);
    const port = Number(
      (await dockerOk(['port', fluentd, '9880/tcp'])).stdout.trim().split('\n')[0]!.split(':').at(-1),
    );
    const statuses: number[] = [];
    for (let n = 1; n <= EVENTS; n += 1) statuses.push(await post(port, '/smoke.http', { n, msg: `event-${n}` }));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await dockerOk(['kill', '-s', 'USR1', fluentd]); // flush the file buffer now
    const records = await pollUntil(
      `${EVENTS} records in /fluentd/smoke/out`,
      async () => {
        const found = readdirSync(join(dir, 'out'))
          .filter((f) => f.endsWith('.log'))
          .flatMap((f) => readFileSync(join(dir, 'out', f), 'utf8').split('\n'))
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as { n: number; tag: string });
        return found.length >= EVENTS ? found : undefined;
      },
      120_000,
    );
    expect(records[0]?.tag).toBe('smoke.http');
    expect(records.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  });
});

const EVENTS = 100;

function post(port: number, path: string, body: unknown): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** in_http → out_file, as fluentd-image.test.ts does it (monitor_agent for the healthcheck). */
const HTTP_TO_FILE = `
<source>
  @type monitor_agent
  bind 0.0.0.0
  port 24220
</source>
<source>
  @type http
  bind 0.0.0.0
  port 9880
  <parse>
    @type json
  </parse>
</source>
<match smoke.**>
  @type file
  path /fluentd/smoke/out/events
  append true
  <format>
    @type json
  </format>
  <inject>
    tag_key tag
  </inject>
  <buffer>
    @type file
    path /fluentd/buffer/events
    flush_mode interval
    flush_interval 1h
  </buffer>
</match>
`;
