#!/usr/bin/env node
// Day 5 Turnilo grader (turnilo container: node, Turnilo's own js-yaml and plywood).
//
//   node turnilo-probe.js observe --config F --datasource DS --out J
//       runs Turnilo with your config on a spare port (the cube named `ratings` pointed at the
//       grader's datasource DS), reads what Turnilo serves (/sources) and asks it, through
//       /plywood, for each measure in total and per genre; asks Druid SQL the same; writes J.
//   node turnilo-probe.js verify listed|timezone|refresh|total|average --in J
//       one check: prints PASS: … or FAIL: …
'use strict';
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const MODULES = '/usr/local/lib/node_modules/turnilo/node_modules';
const yaml = require(`${MODULES}/js-yaml`);
const plywood = require(`${MODULES}/plywood`);

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
  let config;
  try {
    config = yaml.load(fs.readFileSync(a.config, 'utf8'));
  } catch (error) {
    seen.errors.push(`config.yaml cannot be read: ${error.message.split('\n')[0]}`);
    return seen;
  }
  if (!config || !Array.isArray(config.dataCubes)) {
    seen.errors.push('config.yaml has no dataCubes list');
    return seen;
  }
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

function verify(what, seen) {
  const pass = (t) => console.log(`PASS: ${t}`);
  const fail = (t) => console.log(`FAIL: ${t}`);
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
