import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DeLabError } from '../../src/core/errors.js';
import { setLang } from '../../src/i18n/lang.js';
import { requireSources } from '../../src/images/build.js';
import { checkSources } from '../../src/images/probe.js';
import { loadRecipes, type Recipe } from '../../src/images/recipes.js';
import { aptSuiteUris, joinUrl, pipIndexUrl, planSource, type ClientOutputs } from '../../src/images/registries.js';
import { describeCheck, sourceSchema, type Source, type SourceCheck } from '../../src/images/sources.js';

// Fake clients answer with hosts of the reserved .test domain; no real registry is named here.
const DEB822 = [
  'Types: deb',
  'URIs: http://deb.example.test/debian',
  'Suites: bookworm bookworm-updates',
  'Components: main',
  'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
  '',
  'Types: deb',
  'URIs: http://security.example.test/debian-security',
  'Suites: bookworm-security',
  'Components: main',
].join('\n');

function clients(answers: Partial<Record<keyof ClientOutputs, string>>, images: Record<string, string> = {}) {
  const asked: string[] = [];
  const answer = (key: keyof ClientOutputs) => () => {
    asked.push(key);
    return Promise.resolve(answers[key]);
  };
  const fake: ClientOutputs = {
    npmRegistry: answer('npmRegistry'),
    pipConfig: answer('pipConfig'),
    gemSources: answer('gemSources'),
    aptSources: (image) => {
      asked.push(`apt ${image}`);
      return Promise.resolve(images[image]);
    },
  };
  return { fake, asked };
}

const pip = (config: Record<string, string>) => JSON.stringify({ config, default: 'https://pypi.example.test/simple' });
const source = (value: unknown): Source => sourceSchema.parse(value);

describe('where each registry is: asked of its client', () => {
  it('npm: `npm config get registry`, a scoped name escaped; no npm, no probe', async () => {
    const { fake } = clients({ npmRegistry: 'https://npm.example.test/\n' });
    expect(await planSource(source({ name: 'npm', registry: 'npm', package: 'turnilo' }), fake)).toEqual({
      url: 'https://npm.example.test/turnilo',
      from: 'npm config get registry',
    });
    expect(await planSource(source({ name: 'npm', registry: 'npm', package: '@scope/x' }), fake)).toMatchObject({
      url: 'https://npm.example.test/@scope%2fx',
    });
    const none = clients({}).fake;
    expect(await planSource(source({ name: 'npm', registry: 'npm', package: 'turnilo' }), none)).toEqual({
      notProbed: { why: 'no-client', client: 'npm' },
    });
  });

  it("pip: the environment over the install section over global, else pip's built-in index", () => {
    const all = {
      'global.index-url': 'https://g.example.test/simple',
      'install.index-url': 'https://i.example.test/s',
    };
    expect(pipIndexUrl(pip({ ...all, ':env:.index-url': 'https://e.example.test/simple/' }))).toEqual({
      url: 'https://e.example.test/simple/',
      from: 'PIP_INDEX_URL',
    });
    expect(pipIndexUrl(pip(all))).toEqual({ url: 'https://i.example.test/s', from: 'pip config install.index-url' });
    expect(pipIndexUrl(pip({ 'global.index-url': 'https://g.example.test/simple' }))?.url).toBe(
      'https://g.example.test/simple',
    );
    expect(pipIndexUrl(pip({ 'global.cert': '/etc/ssl/ca.pem' }))).toEqual({
      url: 'https://pypi.example.test/simple',
      from: "pip's built-in index",
    });
    expect(pipIndexUrl(undefined)).toBeUndefined();
    expect(pipIndexUrl('Traceback (most recent call last):')).toBeUndefined();
  });

  it('pip: the simple index page of the PEP 503 name', async () => {
    const { fake } = clients({ pipConfig: pip({}) });
    expect(await planSource(source({ name: 'PyPI', registry: 'pypi', package: 'Py_Spark.x' }), fake)).toMatchObject({
      url: 'https://pypi.example.test/simple/py-spark-x/',
    });
    const none = clients({}).fake;
    expect(await planSource(source({ name: 'PyPI', registry: 'pypi', package: 'pyspark' }), none)).toEqual({
      notProbed: { why: 'no-client', client: 'pip' },
    });
  });

  it("apt: the suite's archive in the base image's sources (deb822 or one-line), never the security suite", async () => {
    expect(aptSuiteUris(DEB822, 'bookworm')).toEqual(['http://deb.example.test/debian']);
    expect(aptSuiteUris(DEB822, 'bookworm-security')).toEqual(['http://security.example.test/debian-security']);
    const oneLine =
      '# comment\ndeb [arch=amd64] http://old.example.test/debian bullseye main\ndeb-src http://src.example.test/debian bullseye main';
    expect(aptSuiteUris(oneLine, 'bullseye')).toEqual(['http://old.example.test/debian']);
    expect(aptSuiteUris('Types: deb-src\nURIs: http://src.example.test/debian\nSuites: bookworm', 'bookworm')).toEqual(
      [],
    );

    const { fake, asked } = clients({}, { 'debian:bookworm-slim': DEB822 });
    expect(await planSource(source({ name: 'Debian', registry: 'apt', dist: 'bookworm' }), fake)).toEqual({
      url: 'http://deb.example.test/debian/dists/bookworm/InRelease',
      from: 'apt sources of debian:bookworm-slim',
    });
    expect(asked).toEqual(['apt debian:bookworm-slim']);
    expect(await planSource(source({ name: 'Debian', registry: 'apt', dist: 'trixie' }), fake)).toEqual({
      notProbed: { why: 'no-image', image: 'debian:trixie-slim' },
    });
    const other = source({ name: 'Debian', registry: 'apt', dist: 'trixie', image: 'debian:bookworm-slim' });
    expect(await planSource(other, fake)).toEqual({
      notProbed: { why: 'no-suite', image: 'debian:bookworm-slim', dist: 'trixie' },
    });
  });

  it('gems: the first source `gem sources --list` names; no gem client, no probe', async () => {
    const listed = '*** CURRENT SOURCES ***\n\nhttps://gems.example.test/\n';
    const gem = source({ name: 'rubygems', registry: 'gems', gem: 'fluentd' });
    expect(await planSource(gem, clients({ gemSources: listed }).fake)).toEqual({
      url: 'https://gems.example.test/api/v1/versions/fluentd.json',
      from: 'gem sources --list',
    });
    expect(await planSource(gem, clients({}).fake)).toEqual({ notProbed: { why: 'no-client', client: 'gem' } });
  });

  it('Maven: never probed, and no client is asked', async () => {
    const { fake, asked } = clients({ npmRegistry: 'https://npm.example.test/' });
    const maven = source({ name: 'Maven Central', registry: 'maven', artifact: 'org.example:thing:1.0' });
    expect(await planSource(maven, fake)).toEqual({ notProbed: { why: 'no-client-says' } });
    expect(asked).toEqual([]);
  });

  it('refuses a source given by URL, and joins URLs with one slash', () => {
    expect(sourceSchema.safeParse({ name: 'x', url: 'https://npm.example.test/x' }).success).toBe(false);
    expect(sourceSchema.safeParse({ name: 'x', registry: 'maven', artifact: 'no-version' }).success).toBe(false);
    expect(joinUrl('https://a.example.test/simple/', '/pyspark/')).toBe('https://a.example.test/simple/pyspark/');
  });

  it("labs/images/README.md's sources example parses, and its table covers every kind", () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'labs', 'images', 'README.md'), 'utf8');
    const block = /```yaml\n(sources:\n[\s\S]*?)```/.exec(readme)?.[1];
    const listed = (parse(block ?? '') as { sources: unknown[] }).sources.map((s) => source(s).registry);
    expect(listed.sort()).toEqual(['apt', 'gems', 'maven', 'npm', 'pypi']);
    for (const kind of listed) expect(readme).toContain(`| \`${kind}\` |`);
  });

  it('every recipe names its sources by kind', () => {
    for (const recipe of loadRecipes()) {
      expect(recipe.sources.length).toBeGreaterThan(0);
      expect(recipe.sources.some((s) => s.registry === 'apt')).toBe(true);
    }
  });
});

describe('the preflight: probes what a client placed, names the rest in words', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/express' || request.url?.endsWith('/InRelease') ? 200 : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sources = (): Recipe['sources'] => [
    source({ name: 'Debian', registry: 'apt', dist: 'bookworm' }),
    source({ name: 'npm', registry: 'npm', package: 'express' }),
    source({ name: 'Maven Central', registry: 'maven', artifact: 'org.example:thing:1.0' }),
  ];
  const local = () =>
    clients(
      { npmRegistry: `${base}/` },
      { 'debian:bookworm-slim': `Types: deb\nURIs: ${base}/debian\nSuites: bookworm` },
    ).fake;

  it('checks every source and formats each line', async () => {
    const checks = await checkSources(sources(), local(), '');
    expect(checks.map((c) => [c.name, c.probed, c.reachable, c.status])).toEqual([
      ['Debian', true, true, 200],
      ['npm', true, true, 200],
      ['Maven Central', false, undefined, undefined],
    ]);
    expect(checks.map(describeCheck)).toEqual([
      `Debian: reachable (${base}/debian/dists/bookworm/InRelease: HTTP 200)`,
      `npm: reachable (${base}/express: HTTP 200)`,
      'Maven Central, asked by Maven inside the build: not probed (no client on this machine says where it is)',
    ]);
  });

  it('formats in Korean too, and an unreachable source as the refusal says it', () => {
    const notProbed: SourceCheck = {
      name: 'rubygems',
      registry: 'gems',
      item: 'fluentd',
      probed: false,
      notProbed: { why: 'no-client', client: 'gem' },
    };
    const down: SourceCheck = { name: 'npm', registry: 'npm', item: 'x', probed: true, reachable: false, url: 'u' };
    expect(describeCheck(notProbed)).toBe(
      'rubygems, asked by RubyGems inside the build: not probed (no gem on this machine to ask)',
    );
    expect(describeCheck({ ...down, status: 404 })).toBe('npm unreachable (u: HTTP 404)');
    expect(describeCheck({ ...down, error: 'connect ECONNREFUSED' })).toBe('npm unreachable (u: connect ECONNREFUSED)');
    setLang('ko');
    try {
      expect(describeCheck(notProbed)).toBe(
        'rubygems: 빌드 안에서 RubyGems가 요청합니다. 미리 확인하지 않았습니다(물어볼 gem 클라이언트가 이 컴퓨터에 없음)',
      );
      expect(
        describeCheck({ ...notProbed, registry: 'maven', notProbed: { why: 'no-image', image: 'debian:x' } }),
      ).toBe('rubygems: 빌드 안에서 Maven이 요청합니다. 미리 확인하지 않았습니다(기본 이미지 debian:x가 아직 없음)');
    } finally {
      setLang('en');
    }
  });

  it('refuses the build when a probed source does not answer, never for one named in words', async () => {
    const recipe = { name: 'x', sources: sources() } as Recipe;
    await expect(requireSources(recipe, '', recipe.sources, local())).resolves.toHaveLength(3);
    const missing = [source({ name: 'npm', registry: 'npm', package: 'absent' })];
    const error = await requireSources(recipe, '', missing, local()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeLabError);
    expect((error as DeLabError).code).toBe('E_SOURCE_UNREACHABLE');
    expect((error as DeLabError).message).toBe(
      `The x image cannot be built here: npm unreachable (${base}/absent: HTTP 404).`,
    );
  });
});
