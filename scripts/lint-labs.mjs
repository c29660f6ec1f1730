#!/usr/bin/env node
/**
 * Lints and format-checks the Python in labs/ with Ruff's WebAssembly build, so CI needs no pip.
 * The rules, the files and the format exclusions come from ruff.toml at the root; the wasm build
 * checks text without a path, so `include`, `lint.per-file-ignores` and `format.exclude` are applied
 * here, with the same globs the `ruff` CLI would read.
 *
 *   node scripts/lint-labs.mjs            check (exit 1 on any finding)
 *   node scripts/lint-labs.mjs --write    also rewrite the files that are not formatted
 *   node scripts/lint-labs.mjs --root D   use D/ruff.toml and the files under D (tests)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ruff from '@astral-sh/ruff-wasm-nodejs';
import { parse } from 'smol-toml';
import { globSync } from 'tinyglobby';

const { Workspace, PositionEncoding } = ruff;

/** ruff.toml split into what this script applies itself and what the wasm Workspace takes. */
export function loadConfig(root) {
  const { include = [], lint = {}, format = {}, ...rest } = parse(readFileSync(join(root, 'ruff.toml'), 'utf8'));
  const { 'per-file-ignores': perFile = {}, ...lintRest } = lint;
  const { exclude: formatExclude = [], ...formatRest } = format;
  return { include, perFile, formatExclude, settings: { ...rest, lint: lintRest, format: formatRest } };
}

const matching = (root, patterns) =>
  new Set(patterns.length ? globSync(patterns, { cwd: root, onlyFiles: true, expandDirectories: false }) : []);

/** One Workspace per distinct set of per-file ignores (building one parses the settings). */
function workspaces(settings) {
  const made = new Map();
  return (ignores) => {
    const key = ignores.join(',');
    if (!made.has(key)) {
      const lint = { ...settings.lint, ignore: [...(settings.lint.ignore ?? []), ...ignores] };
      made.set(key, new Workspace({ ...settings, lint }, PositionEncoding.Utf16));
    }
    return made.get(key);
  };
}

const diagnostics = (ws, file, text) =>
  ws.check(text).map((d) => ({ file, ...d.start_location, code: d.code ?? 'error', message: d.message }));

/** Lint findings and unformatted files under root, as { files, findings, formatted }. */
export function lintLabs(root, { write = false } = {}) {
  const { include, perFile, formatExclude, settings } = loadConfig(root);
  const files = [...matching(root, include)].sort();
  const noFormat = matching(root, formatExclude);
  const ignoresOf = new Map();
  for (const [pattern, codes] of Object.entries(perFile))
    for (const file of matching(root, [pattern])) ignoresOf.set(file, [...(ignoresOf.get(file) ?? []), ...codes]);
  const workspace = workspaces(settings);
  const findings = [];
  let formatted = 0;
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
    const ws = workspace(ignoresOf.get(file) ?? []);
    let found = diagnostics(ws, file, source);
    const output = noFormat.has(file) || found.some((f) => f.code === 'invalid-syntax') ? source : ws.format(source);
    if (output !== source && write) {
      writeFileSync(join(root, file), output);
      formatted += 1;
      found = diagnostics(ws, file, output); // formatting can move a `# noqa` off the line it silences
    } else if (output !== source)
      found.push({ file, row: 1, column: 1, code: 'format', message: 'not formatted by Ruff' });
    findings.push(...found);
  }
  return { files: files.length, findings, formatted };
}

function main(argv) {
  const at = argv.indexOf('--root');
  const root = at >= 0 ? resolve(argv[at + 1]) : resolve(import.meta.dirname, '..');
  const { files, findings, formatted } = lintLabs(root, { write: argv.includes('--write') });
  for (const f of findings) console.log(`${f.file}:${f.row}:${f.column}: ${f.code} ${f.message}`);
  if (formatted) console.log(`lint:labs: formatted ${formatted} file(s).`);
  if (findings.length) {
    const hint = findings.some((f) => f.code === 'format') ? '; `npm run format:labs` fixes the formatting' : '';
    console.log(`lint:labs: ${findings.length} finding(s) in the Python of labs/: fix them${hint}.`);
    return 1;
  }
  console.log(`lint:labs: ${files} Python files pass Ruff ${Workspace.version()} (check and format).`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = main(process.argv.slice(2));
