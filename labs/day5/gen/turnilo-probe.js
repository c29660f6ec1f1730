#!/usr/bin/env node
// Day 5 Turnilo grader (turnilo container: node, Turnilo's own js-yaml and plywood).
//
//   node turnilo-probe.js observe --config F --datasource DS --out J
//       reads your config with a safe YAML schema and an allow-list of keys (plugins, request or
//       query decorators, url shorteners and every other key that makes Turnilo load or run code
//       are refused, naming the key), runs Turnilo with the allowed copy on a spare port (the cube
//       named `ratings` pointed at the grader's datasource DS), reads what Turnilo serves
//       (/sources) and asks it, through /plywood, for each measure in total and per genre; asks
//       Druid SQL the same; writes J. Graded, it runs in a judge container (a fresh one of the
//       turnilo image, nothing of a learner running there) and J is in the graded folder.
//   node turnilo-probe.js verify listed|timezone|refresh|total|average --in J
//       one check: prints its DE-LAB-VERDICT line (gen/verdict.cjs)
//   node turnilo-probe.js allowed F
//       exit 0 when F passes the allow-list, else 1 with the reason (`de-lab run day5 turnilo-cube`)
'use strict';
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const MODULES = '/usr/local/lib/node_modules/turnilo/node_modules';
const yaml = require(`${MODULES}/js-yaml`);
const plywood = require(`${MODULES}/plywood`);
const { verdict } = require('./verdict.cjs');

// What a config may say: data only. Anything else (plugins, clusters[].requestDecorator,
// dataCubes[].queryDecorator, customization.urlShortener/externalViews, options with custom
// aggregations or transforms …) is refused with its key path.
const ANY = null;
const STRINGS = ANY;
const DIMENSION = {
  name: ANY, title: ANY, formula: ANY, kind: ANY, description: ANY, url: ANY, granularities: ANY,
  bucketingStrategy: ANY, sortStrategy: ANY, limits: ANY, multiValue: ANY, latestPeriodDurations: ANY,
};
DIMENSION.dimensions = [DIMENSION];
const MEASURE = {
  name: ANY, title: ANY, formula: ANY, format: ANY, units: ANY, lowerIsBetter: ANY, description: ANY,
  transformation: ANY,
};
MEASURE.measures = [MEASURE];
const ALLOWED = {
  port: ANY, verbose: ANY, serverHost: ANY, serverRoot: ANY,
  clusters: [{
    name: ANY, type: ANY, url: ANY, host: ANY, title: ANY, version: ANY, timeout: ANY, healthCheckTimeout: ANY,
    sourceListScan: ANY, sourceListRefreshOnLoad: ANY, sourceListRefreshInterval: ANY, sourceReintrospectOnLoad: ANY,
    sourceReintrospectInterval: ANY, sourceTimeBoundaryRefreshInterval: ANY, introspectionStrategy: ANY, retry: ANY,
    guardDataCubes: ANY,
  }],
  dataCubes: [{
    name: ANY, title: ANY, description: ANY, extendedDescription: ANY, clusterName: ANY, source: ANY, group: ANY,
    timeAttribute: ANY, defaultTimezone: ANY, defaultFilter: ANY, defaultDuration: ANY, defaultSortMeasure: ANY,
    defaultSelectedMeasures: STRINGS, defaultPinnedDimensions: STRINGS, defaultSplitDimensions: STRINGS,
    maxSplits: ANY, maxQueries: ANY, introspection: ANY, subsetFormula: ANY, rollup: ANY,
    refreshRule: { rule: ANY, refresh: ANY, time: ANY },
    attributeOverrides: [{ name: ANY, type: ANY, nativeType: ANY, unsplitable: ANY }],
    attributes: [{ name: ANY, type: ANY, nativeType: ANY, unsplitable: ANY }],
    dimensions: [DIMENSION],
    measures: [MEASURE],
  }],
  customization: { title: ANY, timezones: ANY, headerBackground: ANY, locale: ANY },
};

/** The first key path of `value` that `allowed` does not allow (undefined: all allowed). */
function refusedKey(value, allowed, path) {
  if (allowed === ANY) {
    // A leaf: plain data (strings, numbers, booleans, null, arrays or maps of them) but no object keys
    // deeper than the allow-list says, so nothing can hide a decorator or plugin below it.
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length) return `${path}.${keys[0]}`;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] !== null && typeof value[i] === 'object') return `${path}[${i}]`;
      }
    }
    return undefined;
  }
  if (Array.isArray(allowed)) {
    if (!Array.isArray(value)) return value === null || value === undefined ? undefined : path;
    for (let i = 0; i < value.length; i++) {
      const hit = refusedKey(value[i], allowed[0], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return path;
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(allowed, key)) return path ? `${path}.${key}` : key;
    const hit = refusedKey(value[key], allowed[key], path ? `${path}.${key}` : key);
    if (hit) return hit;
  }
  return undefined;
}

/** The config as data (a safe YAML schema: no !!js tags), or a one-sentence reason it is refused. */
function readConfig(file) {
  let config;
  try {
    config = yaml.load(fs.readFileSync(file, 'utf8'), { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    return { refused: `config.yaml cannot be read: ${String(error.message).split('\n')[0]}` };
  }
  if (!config || typeof config !== 'object' || !Array.isArray(config.dataCubes))
    return { refused: 'config.yaml has no dataCubes list' };
  const key = refusedKey(config, ALLOWED, '');
  if (key)
    return {
      refused: `config.yaml is refused: the key ${key} is not allowed here (it can make Turnilo load or run code, or it is not one Turnilo reads for a cube)`,
    };
  return { config };
}

const DRUID = process.env.DRUID_URL || 'http://druid:8888';
const CUBE = 'ratings';

function args(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[++i];
    else out._.push(argv[i]);
  }
  return out;
}

async function json(url, body) {
  const res = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, json: parsed, text };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function observe(a) {
  const seen = { errors: [] };
  const read = readConfig(a.config);
  if (read.refused) {
    seen.errors.push(read.refused);
    return seen;
  }
  const config = read.config;
  // The grader's datasource in place of `ratings`, a spare port; the rest is yours.
  for (const cube of config.dataCubes) if (cube && cube.source === CUBE) cube.source = a.datasource;
  const port = 9100 + Math.floor(Math.random() * 800);
  config.port = port;
  const file = `/tmp/de-lab-turnilo-${port}.yaml`;
  fs.writeFileSync(file, yaml.dump(config));
  const child = spawn('turnilo', ['run-config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    let sources;
    for (let i = 0; i < 120 && !sources; i++) {
      if (child.exitCode !== null) break;
      try {
        const res = await json(`${base}/sources`);
        if (res.status === 200 && (res.json?.dataCubes || []).length) sources = res.json;
      } catch {
        /* not listening yet */
      }
      if (!sources) await sleep(500);
    }
    if (!sources) {
      seen.errors.push(`Turnilo did not serve a data cube within 60 s: ${log.split('\n').filter(Boolean).slice(-3).join(' | ')}`);
      return seen;
    }
    const cube = sources.dataCubes.find((c) => c.name === CUBE);
    seen.cubes = sources.dataCubes.map((c) => c.name);
    if (!cube) return seen;
    seen.cube = {
      source: cube.source,
      timezone: cube.defaultTimezone,
      refresh: cube.refreshRule,
      dimensions: Object.keys(cube.dimensions?.byName || {}),
      measures: Object.fromEntries(Object.values(cube.measures?.byName || {}).map((m) => [m.name, m.expression])),
    };
    // Druid SQL's view of the same data.
    const sql = await json(`${DRUID}/druid/v2/sql`, {
      query: `SELECT genre, SUM("count") AS n, SUM(rating_sum) AS s FROM "${a.datasource}" GROUP BY genre`,
    });
    seen.sql = sql.json;
    const range = await json(`${DRUID}/druid/v2/sql`, {
      query: `SELECT MIN(__time) AS lo, MAX(__time) AS hi FROM "${a.datasource}"`,
    });
    const { lo, hi } = range.json[0];
    const start = new Date(Date.parse(lo) - 3600e3).toISOString();
    const end = new Date(Date.parse(hi) + 3600e3).toISOString();
    seen.viaTurnilo = {};
    for (const [name, spec] of Object.entries(seen.cube.measures)) {
      const measure = plywood.Expression.fromJS(spec);
      seen.cube.measures[name] = measure.toString();
      const time = plywood.r(plywood.TimeRange.fromJS({ start: new Date(start), end: new Date(end) }));
      const main = plywood.$('main').filter(plywood.$('__time').overlap(time));
      const total = plywood.ply().apply('main', main).apply('v', measure);
      const byGenre = main.split('$genre', 'genre').apply('v', measure).sort('$genre', 'ascending').limit(50);
      const t = await json(`${base}/plywood`, { dataCube: CUBE, timezone: 'Etc/UTC', expression: total.toJS() });
      const g = await json(`${base}/plywood`, { dataCube: CUBE, timezone: 'Etc/UTC', expression: byGenre.toJS() });
      seen.viaTurnilo[name] = {
        total: t.status === 200 ? firstValue(t.json.result) : `HTTP ${t.status}: ${t.text.slice(0, 200)}`,
        byGenre:
          g.status === 200 ? rows(g.json.result).map((r) => [r.genre, r.v]) : `HTTP ${g.status}: ${g.text.slice(0, 200)}`,
      };
    }
    return seen;
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(file, { force: true });
  }
}

function firstValue(result) {
  if (typeof result === 'number') return result;
  const data = result?.data ?? result;
  if (Array.isArray(data) && data.length) return data[0].v;
  return result?.v;
}

function rows(result) {
  const data = result?.data ?? result;
  if (!Array.isArray(data)) return [];
  if (data.length === 1 && data[0].SPLIT) return rows(data[0].SPLIT);
  return data;
}

const near = (a, b) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

const EXPECT = {
  listed: `a cube ${CUBE} with dimensions genre, country and liked`,
  timezone: 'the cube shows time in Asia/Seoul',
  refresh: 'refresh rule realtime',
  total: 'events through Turnilo = Druid SQL\'s SUM("count") (> 0)',
  average: 'avg_rating through Turnilo = SUM(rating_sum) / SUM("count"), in total and per genre',
};

function verify(what, seen) {
  if (!EXPECT[what]) throw new Error(`unknown check ${what}`);
  const pass = (t) => verdict(true, EXPECT[what], t);
  const fail = (t) => verdict(false, EXPECT[what], t);
  if (seen.errors?.length) return fail(seen.errors.join('; '));
  if (!seen.cube)
    return fail(`Turnilo lists no data cube named ${CUBE} (it lists: ${(seen.cubes || []).join(', ') || 'none'})`);
  const cube = seen.cube;
  const sqlTotal = (seen.sql || []).reduce((s, r) => s + r.n, 0);
  const sqlSum = (seen.sql || []).reduce((s, r) => s + r.s, 0);
  switch (what) {
    case 'listed':
      return cube.dimensions.includes('genre') && cube.dimensions.includes('country') && cube.dimensions.includes('liked')
        ? pass(`Turnilo lists the cube ${CUBE} with dimensions ${cube.dimensions.join(', ')}`)
        : fail(`the cube ${CUBE} has dimensions ${cube.dimensions.join(', ')}; it needs genre, country and liked`);
    case 'timezone':
      return cube.timezone === 'Asia/Seoul'
        ? pass('the cube shows time in Asia/Seoul')
        : fail(`the cube's time zone is ${cube.timezone || 'the default (UTC)'}, not Asia/Seoul`);
    case 'refresh':
      return cube.refresh?.rule === 'realtime'
        ? pass('refresh rule realtime: the latest data is now')
        : fail(`the refresh rule is ${cube.refresh?.rule || 'the default (query)'}, not realtime`);
    case 'total': {
      const m = seen.viaTurnilo?.events;
      if (!m) return fail(`the cube has no measure named events (it has: ${Object.keys(cube.measures).join(', ')})`);
      // Fail closed: equal to nothing is not equal.
      if (!(sqlTotal > 0)) return fail(`Druid SQL counts no events in the grader's datasource: there is nothing to compare`);
      return near(m.total, sqlTotal)
        ? pass(`events through Turnilo: ${m.total}, as Druid SQL's SUM("count")`)
        : fail(
            `events through Turnilo is ${m.total}, Druid SQL's SUM("count") is ${sqlTotal} (${cube.measures.events}: rows are rolled up)`,
          );
    }
    case 'average': {
      const m = seen.viaTurnilo?.avg_rating;
      if (!m) return fail(`the cube has no measure named avg_rating (it has: ${Object.keys(cube.measures).join(', ')})`);
      const want = new Map((seen.sql || []).map((r) => [r.genre, r.s / r.n]));
      if (!want.size || !(sqlTotal > 0)) return fail(`Druid SQL counts no events in the grader's datasource: there is nothing to compare`);
      if (!Array.isArray(m.byGenre)) return fail(`Turnilo could not compute avg_rating: ${m.byGenre}`);
      const wrong = m.byGenre.filter(([genre, v]) => !near(v, want.get(genre)));
      if (!near(m.total, sqlSum / sqlTotal) || wrong.length || m.byGenre.length !== want.size) {
        const [genre, v] = wrong[0] || [undefined, m.total];
        return fail(
          `avg_rating through Turnilo is ${v}${genre ? ` for ${genre}` : ' in total'}, Druid SQL gives ${genre ? want.get(genre) : sqlSum / sqlTotal} (${cube.measures.avg_rating})`,
        );
      }
      return pass(`avg_rating through Turnilo equals SUM(rating_sum) / SUM("count") in total and for each of ${want.size} genres`);
    }
    default:
      throw new Error(`unknown check ${what}`);
  }
}

async function main() {
  const [command, what] = process.argv.slice(2, 4);
  const a = args(process.argv.slice(command === 'verify' ? 4 : 3));
  if (command === 'observe') {
    const seen = await observe(a);
    fs.mkdirSync(require('node:path').dirname(a.out), { recursive: true });
    fs.writeFileSync(a.out, JSON.stringify(seen, null, 2));
    console.error(`turnilo-probe: ${seen.errors.length ? seen.errors.join('; ') : `cubes ${(seen.cubes || []).join(', ')}`}`);
  } else if (command === 'allowed') {
    const read = readConfig(process.argv[3]);
    if (read.refused) {
      console.log(read.refused);
      process.exit(1);
    }
  } else if (command === 'verify') {
    let seen;
    try {
      seen = JSON.parse(fs.readFileSync(a.in, 'utf8'));
    } catch {
      seen = { errors: ['the grader did not observe Turnilo (its step did not run)'] };
    }
    verify(what, seen);
  } else {
    console.error('usage: turnilo-probe.js observe --config F --datasource DS --out J | verify <what> --in J');
    process.exit(2);
  }
}

main().catch((error) => {
  console.error(`turnilo-probe: ${error.stack || error}`);
  process.exit(1);
});
