import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareRows, matchText, parseRows, short, type Verdict } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import type { Check } from '../schema.js';
import { allOf, type CheckKind } from './types.js';

type FileCheck = Extract<Check, { kind: 'file' }>;

/** Outputs larger than this are not read: a submission must not exhaust the grader's memory. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class OutputTooLarge extends Error {}

function checkedSize(paths: string[]): void {
  const total = paths.reduce((sum, p) => sum + statSync(p).size, 0);
  if (total > MAX_OUTPUT_BYTES) throw new OutputTooLarge(`the output is ${Math.round(total / 1048576)} MiB, more than the ${MAX_OUTPUT_BYTES / 1048576} MiB a check reads`);
}

/** A file, or a folder of part files as Spark writes them (hidden and _SUCCESS/_metadata skipped). */
export function readOutput(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) {
    checkedSize([path]);
    return readFileSync(path, 'utf8');
  }
  const parts = readdirSync(path)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_') && statSync(join(path, name)).isFile() && !name.endsWith('.crc'))
    .sort()
    .map((name) => join(path, name));
  checkedSize(parts);
  return parts.map((part) => readFileSync(part, 'utf8')).join('\n');
}

export const fileKind: CheckKind<FileCheck> = {
  needsReference: (check) => check.expect.rows === 'reference',
  async observe(ctx, check) {
    let text: string | undefined;
    if (check.service) {
      const result = await execService({ docker: ctx.docker, containerId: await serviceContainerId(ctx.docker, ctx.dayProject, check.service), command: ['sh', '-c', `if [ -d "$1" ]; then for f in "$1"/*; do case "$(basename "$f")" in _*|.*|*.crc) ;; *) cat "$f"; echo;; esac; done; elif [ -f "$1" ]; then cat "$1"; else exit 44; fi`, 'sh', check.path], timeoutMs: check.timeoutSec * 1000 });
      text = result.exitCode === 44 ? undefined : result.stdout;
    } else {
      try {
        text = readOutput(join(ctx.workdir, check.path));
      } catch (error) {
        if (error instanceof OutputTooLarge) return { exists: true, parseError: error.message };
        throw error;
      }
    }
    if (text === undefined) return { exists: false };
    try {
      return { exists: true, text, rows: check.format === 'text' ? undefined : parseRows(text, check.format) };
    } catch (error) {
      return { exists: true, text, parseError: (error as Error).message };
    }
  },
  judge(check, observed: { exists: boolean; text?: string; rows?: unknown[]; parseError?: string }, reference) {
    const expectExists = check.expect.exists ?? true;
    if (!observed.exists) return { ok: !expectExists, expected: expectExists ? `${check.path} exists` : `no ${check.path}`, found: 'missing' };
    if (!expectExists) return { ok: false, expected: `no ${check.path}`, found: 'it exists' };
    if (observed.parseError) return { ok: false, expected: `${check.path} readable as ${check.format}`, found: observed.parseError };
    const verdicts: Verdict[] = [{ ok: true, expected: `${check.path} exists`, found: 'exists' }];
    if (check.expect.text) verdicts.push(matchText(observed.text ?? '', check.expect.text));
    if (check.expect.rows !== undefined) {
      const expected = check.expect.rows === 'reference' ? (reference?.rows as unknown[] | undefined) : check.expect.rows;
      if (!expected) return { ok: false, expected: 'the reference solution\'s output', found: short(reference?.exists === false ? 'the reference produced no output' : 'no reference rows') };
      verdicts.push(compareRows(observed.rows ?? [], expected, { tolerance: check.expect.tolerance, orderMatters: check.expect.orderMatters }));
    }
    return allOf(verdicts);
  },
};
