#!/usr/bin/env node
// The image build's preflight: for each recipe, ask each registry's client where it is and probe
// it (requireSources), as `de-lab images build` does before building. Needs the engine (the base
// image's apt sources) and the registries; the offline package folder of DE_LAB_PACKAGES counts.
// Usage: node bench/preflight.js [--runs 5]   (npm run bench -- --preflight)
// Target: median ≤ 1.5 s for the slowest recipe (each build asks its clients afresh).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, option, median } from './lib.js';

const load = (path) => import(pathToFileURL(join(root, 'dist', ...path.split('/'))).href);
const { loadRecipes } = await load('images/recipes.js');
const { requireSources } = await load('images/build.js');
const { packageSource, sourcesToProbe } = await load('images/packages.js');
const { hostClients } = await load('images/registry-clients.js');
const { engine } = await load('stack/engine.js');
const { loadConfig } = await load('config/config.js');

const runs = Number(option('--runs', 5));
const { caFile, packages } = loadConfig({}).values;
const { docker } = await engine();
const samples = new Map();
for (let i = 0; i < runs; i++) {
  for (const recipe of loadRecipes()) {
    const started = process.hrtime.bigint();
    await requireSources(recipe, caFile, sourcesToProbe(recipe, packageSource(recipe, packages)), hostClients(docker));
    const list = samples.get(recipe.name) ?? [];
    list.push(Number(process.hrtime.bigint() - started) / 1e6);
    samples.set(recipe.name, list);
  }
}
let slowest = 0;
for (const [name, list] of samples) {
  slowest = Math.max(slowest, median(list));
  console.log(
    `  ${name.padEnd(8)} median ${median(list).toFixed(0)} ms (min ${Math.min(...list).toFixed(0)}, max ${Math.max(...list).toFixed(0)})`,
  );
}
console.log(`  slowest recipe: ${slowest.toFixed(0)} ms, target ≤ 1500 ms: ${slowest <= 1500 ? 'met' : 'NOT met'}`);
