import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, upwardImports } from '../helpers/imports.js';
import { tempDir } from '../helpers/temp.js';

const src = resolve(import.meta.dirname, '..', '..', 'src');

/**
 * The layers of src/, lowest first; a module imports only from its own layer or a lower one.
 * ui is a leaf (styles, tables, the task list) that imports nothing of de-lab, so it sits at the
 * bottom: grading's terminal summary draws with it. docs/architecture.md shows the same order.
 */
export const LAYERS: Record<string, number> = {
  core: 0,
  ui: 0,
  config: 1,
  i18n: 1,
  course: 2,
  images: 3,
  stack: 3,
  grading: 4,
  doctor: 5,
  cli: 6,
};

describe('layers of src/', () => {
  const graph = importGraph(src);

  it('every top-level folder of src/ has a layer', () => {
    const folders = new Set([...graph.keys()].map((file) => file.split('/')[0]));
    expect([...folders].filter((folder) => !(folder! in LAYERS))).toEqual([]);
  });

  it('has no import circles', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('no import goes up a layer', () => {
    expect(upwardImports(graph, LAYERS)).toEqual([]);
  });

  it('the checks find a circle and an upward import when there is one', () => {
    const root = tempDir('de-lab-layers-');
    mkdirSync(join(root, 'core'));
    mkdirSync(join(root, 'cli'));
    writeFileSync(join(root, 'core', 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
    writeFileSync(join(root, 'core', 'b.ts'), "export const b = 1;\nexport const later = () => import('./a.js');\n");
    writeFileSync(join(root, 'core', 'up.ts'), "export { main } from '../cli/main.js';\n");
    writeFileSync(join(root, 'cli', 'main.ts'), "import '../core/up.js';\nexport const main = 1;\n");
    const fake = importGraph(root);
    expect(importCycles(fake)).toEqual([
      'cli/main.ts -> core/up.ts -> cli/main.ts',
      'core/a.ts -> core/b.ts -> core/a.ts',
    ]);
    expect(upwardImports(fake, { core: 0, cli: 6 })).toEqual(['core/up.ts -> cli/main.ts']);
  });
});

/** The files of src/ (relative, with /) whose code matches `pattern`, comments left out. */
function filesCalling(pattern: RegExp): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split('\\').join('/'))
    .filter((file) =>
      pattern.test(
        readFileSync(join(src, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, ''),
      ),
    )
    .sort();
}

describe('settings and the engine are passed down, never re-read (issue 24, item 2)', () => {
  it('only cli/ and config/ load the settings', () => {
    const outside = filesCalling(/\bloadConfig\(/).filter((file) => !/^(cli|config)\//.test(file));
    expect(outside).toEqual([]);
  });

  it('only stack/engine.ts makes a Docker client, and only cli/ and doctor/ ask it for one', () => {
    expect(filesCalling(/new Docker\(/)).toEqual(['stack/engine.ts']);
    const outside = filesCalling(/\b(engine|requireEngine)\(/).filter(
      (file) => !/^(cli|doctor)\//.test(file) && file !== 'stack/engine.ts',
    );
    expect(outside).toEqual([]);
  });
});
