#!/usr/bin/env node
// What `grade --engines` pays once per engine before grading: the day's images carried from the
// default engine to another one (save streamed into load through the Engine API, as de-lab does),
// then the same call again, which finds every image ID equal and carries nothing.
//   npm run bench -- --carry-images day5 --to unix:///run/e1.sock   (or ssh://user@host, tcp://…)
// Give an engine that does not hold the day's images yet, to measure a fresh one. Nothing is removed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, option } from './lib.js';

const day = option('--carry-images', 'day5');
const to = option('--to', '');
const prefix = option('--prefix', 'de-lab');
if (!to) {
  console.error('Name the engine to carry to: npm run bench -- --carry-images day5 --to unix:///path/to/docker.sock');
  process.exit(2);
}
const { engine, engineClient } = await import(join(root, 'dist', 'stack', 'engine.js'));
const { dayImageRefs, syncImages } = await import(join(root, 'dist', 'stack', 'engines', 'images.js'));
const dir = join(root, 'labs', day);
const refs = dayImageRefs({ dir, composeFile: join(dir, 'compose.yaml') }, prefix);
const { docker: source } = await engine();
const target = await engineClient(to, process.env);

const sizes = Object.fromEntries(
  await Promise.all(refs.map(async (ref) => [ref, (await source.getImage(ref).inspect()).Size])),
);
const timed = async () => {
  const started = Date.now();
  const images = await syncImages(source, target, refs);
  return { seconds: (Date.now() - started) / 1000, images };
};
const first = await timed();
const again = await timed();
const carriedBytes = first.images.filter((i) => i.action === 'carried').reduce((sum, i) => sum + sizes[i.ref], 0);
const report = {
  at: new Date().toISOString(),
  day,
  to,
  images: first.images.map((i) => ({ ...i, bytes: sizes[i.ref] })),
  firstSeconds: first.seconds,
  carriedBytes,
  megabytesPerSecond: carriedBytes / 1e6 / first.seconds,
  againSeconds: again.seconds,
  againCarried: again.images.filter((i) => i.action === 'carried').length,
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
console.log(`Carrying ${day}'s ${refs.length} images to ${to}`);
for (const i of report.images)
  console.log(`  ${i.ref.padEnd(28)} ${mb(i.bytes).padStart(8)}  ${i.action}  ${i.seconds.toFixed(1)} s`);
console.log(
  `  first    ${first.seconds.toFixed(1)} s for ${mb(carriedBytes)} carried (${report.megabytesPerSecond.toFixed(0)} MB/s)`,
);
console.log(`  again    ${again.seconds.toFixed(1)} s, ${report.againCarried} carried (every image ID the same)`);
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results', `engine-images-${day}.json`), JSON.stringify(report, null, 2));
