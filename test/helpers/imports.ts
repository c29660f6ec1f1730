import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Relative imports (static, dynamic and `export … from`) of each .ts file under root, as paths from root. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((entry) => entry.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(root, resolve(root, dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(
      file.split('\\').join('/'),
      targets.map((target) => target.split('\\').join('/')),
    );
  }
  return graph;
}

/** Every import circle, each once, as `a.ts -> b.ts -> a.ts`. */
export function importCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].join(' -> '));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Imports that go from a layer to a higher one; `layers` ranks each top-level folder. */
export function upwardImports(graph: Map<string, string[]>, layers: Record<string, number>): string[] {
  const rank = (file: string) => layers[posix.dirname(file).split('/')[0]!] ?? layers[file.split('/')[0]!];
  const found: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = rank(file);
      const to = rank(target);
      if (from === undefined || to === undefined || to > from) found.push(`${file} -> ${target}`);
    }
  }
  return found.sort();
}
