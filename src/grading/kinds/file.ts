import { LinkRefused, openContained } from '../../stack/sandbox/anchored.js';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { compareRows, matchText, parsePartRows, short, type Verdict } from '../compare.js';
import { execService, serviceContainerId } from '../../stack/sandbox/containers.js';
import type { Check } from '../schema.js';
import { allOf, type CheckKind } from './types.js';

type FileCheck = Extract<Check, { kind: 'file' }>;

/** Outputs larger than this are not read: a submission must not exhaust the grader's memory. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export class OutputTooLarge extends Error {}

/** An output de-lab will not read: a symbolic link (a container can point one at a host file). */
export class OutputIsLink extends OutputTooLarge {}

function refuseLink(path: string): never {
  throw new OutputIsLink(
    `${basename(path)} is a symbolic link: de-lab does not follow links in outputs; write a regular file`,
  );
}

const tooLarge = (bytes: number) =>
  new OutputTooLarge(
    `the output is ${Math.round(bytes / 1048576)} MiB, more than the ${MAX_OUTPUT_BYTES / 1048576} MiB a check reads`,
  );

/** The content of a regular file, opened without following a link (O_NOFOLLOW: no race with a container re-creating it). */
function readNoFollow(path: string, budget: { left: number }, root?: string): string {
  let fd: number;
  try {
    // With the graded folder known, the opened file must really lie in it (a folder on the way may have become a link).
    const opened =
      root === undefined
        ? openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
        : openContained(root, path);
    if (opened === undefined) throw Object.assign(new Error(`${basename(path)} is missing`), { code: 'ENOENT' });
    fd = opened;
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOOP' || error instanceof LinkRefused) refuseLink(path);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new OutputIsLink(`${basename(path)} is not a regular file`);
    budget.left -= stats.size;
    if (budget.left < 0) throw tooLarge(MAX_OUTPUT_BYTES - budget.left);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * A file, or a folder of part files as Spark writes them (hidden and _SUCCESS/_metadata skipped), one
 * text per part. No link is followed: not the path, not a folder between `root` and it, not a part.
 */
export function readOutputParts(path: string, root?: string): string[] | undefined {
  if (root !== undefined) {
    let at = root;
    for (const part of relative(root, path).split(sep).slice(0, -1)) {
      at = join(at, part);
      const stats = lstatSync(at, { throwIfNoEntry: false });
      if (!stats) return undefined;
      if (stats.isSymbolicLink()) refuseLink(at);
    }
  }
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) refuseLink(path);
  const budget = { left: MAX_OUTPUT_BYTES };
  if (!stats.isDirectory()) {
    if (stats.size > MAX_OUTPUT_BYTES) throw tooLarge(stats.size);
    return [readNoFollow(path, budget, root)];
  }
  const parts = readdirSync(path)
    .filter(
      (name) =>
        !name.startsWith('.') &&
        !name.startsWith('_') &&
        !name.endsWith('.crc') &&
        lstatSync(join(path, name)).isFile(),
    )
    .sort()
    .map((name) => join(path, name));
  const total = parts.reduce((sum, p) => sum + lstatSync(p).size, 0);
  if (total > MAX_OUTPUT_BYTES) throw tooLarge(total);
  return parts.map((part) => readNoFollow(part, budget, root));
}

/** readOutputParts as one text (parts joined by a newline). */
export function readOutput(path: string, root?: string): string | undefined {
  return readOutputParts(path, root)?.join('\n');
}

/** Printed between the part files by the container-side reader (a line no CSV/JSON output has). */
const PART_MARK = '\u001e-de-lab-part-\u001e';

export const fileKind: CheckKind<FileCheck> = {
  needsReference: (check) => check.expect.rows === 'reference',
  async observe(ctx, check) {
    let parts: string[] | undefined;
    if (check.service) {
      const script =
        'if [ -d "$1" ]; then for f in "$1"/*; do case "$(basename "$f")" in _*|.*|*.crc) ;; *) if [ -f "$f" ]; then cat "$f"; echo; printf "%s\\n" "$2"; fi;; esac; done; elif [ -f "$1" ]; then cat "$1"; else exit 44; fi';
      const result = await execService({
        docker: ctx.docker,
        containerId: await serviceContainerId(ctx.docker, ctx.dayProject, check.service),
        command: ['sh', '-c', script, 'sh', check.path, PART_MARK],
        timeoutMs: check.timeoutSec * 1000,
      });
      parts =
        result.exitCode === 44
          ? undefined
          : result.stdout.includes(PART_MARK)
            ? result.stdout.split(`${PART_MARK}\n`).filter((part) => part !== '')
            : [result.stdout];
    } else {
      try {
        parts = readOutputParts(join(ctx.workdir, check.path), ctx.workdir);
      } catch (error) {
        if (error instanceof OutputTooLarge) return { exists: true, parseError: error.message };
        throw error;
      }
    }
    if (parts === undefined) return { exists: false };
    const text = parts.join('\n');
    try {
      return { exists: true, text, rows: check.format === 'text' ? undefined : parsePartRows(parts, check.format) };
    } catch (error) {
      return { exists: true, text, parseError: (error as Error).message };
    }
  },
  judge(check, observed: { exists: boolean; text?: string; rows?: unknown[]; parseError?: string }, reference) {
    const expectExists = check.expect.exists ?? true;
    if (!observed.exists)
      return {
        ok: !expectExists,
        expected: expectExists ? `${check.path} exists` : `no ${check.path}`,
        found: 'missing',
      };
    if (!expectExists) return { ok: false, expected: `no ${check.path}`, found: 'it exists' };
    if (observed.parseError)
      return { ok: false, expected: `${check.path} readable as ${check.format}`, found: observed.parseError };
    const verdicts: Verdict[] = [{ ok: true, expected: `${check.path} exists`, found: 'exists' }];
    if (check.expect.text) verdicts.push(matchText(observed.text ?? '', check.expect.text));
    if (check.expect.rows !== undefined) {
      const expected =
        check.expect.rows === 'reference' ? (reference?.rows as unknown[] | undefined) : check.expect.rows;
      if (!expected)
        return {
          ok: false,
          expected: "the reference solution's output",
          found: short(reference?.exists === false ? 'the reference produced no output' : 'no reference rows'),
        };
      verdicts.push(
        compareRows(observed.rows ?? [], expected, {
          tolerance: check.expect.tolerance,
          orderMatters: check.expect.orderMatters,
        }),
      );
    }
    return allOf(verdicts);
  },
};
