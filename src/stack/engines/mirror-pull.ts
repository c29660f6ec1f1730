import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DeLabError } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';

/**
 * - `scratch`: a folder of de-lab's own (a check's scratch copy): what the engine holds replaces it.
 * - `outputs`: a learner's folder after `run`: a file comes back when it is new here, or when the
 *   learner has not changed it since it was pushed; a file the learner changed meanwhile stays
 *   theirs, and the engine's version is reported, never written over it.
 */
export type PullMode = 'scratch' | 'outputs';

export interface PullLimits {
  maxTotalBytes: number;
  maxEntries: number;
}

export interface PullStats {
  files: number;
  bytes: number;
  /** Files the learner changed here while the engine changed them too: left as they are here. */
  kept: string[];
  /** Entries not taken: links, devices, names that leave the folder. */
  refused: string[];
}

const DEFAULT_LIMITS: PullLimits = { maxTotalBytes: 2 * 1024 ** 3, maxEntries: 100_000 };

/** A name inside the pulled folder (the archive's first component is the folder itself), or undefined. */
export function innerName(name: string): string | undefined {
  const parts = posix.normalize(name).split('/').filter(Boolean);
  if (parts.length < 2 || parts.some((p) => p === '..') || name.startsWith('/')) return undefined;
  return parts.slice(1).join('/');
}

/** True when a path under `base` passes through no link and nothing but folders on its way. */
function plainPath(base: string, inner: string): boolean {
  let path = base;
  for (const part of inner.split('/').slice(0, -1)) {
    path = join(path, part);
    try {
      if (!lstatSync(path).isDirectory()) return false;
    } catch {
      return true; // made below, by this pull
    }
  }
  try {
    return !lstatSync(join(base, inner)).isSymbolicLink();
  } catch {
    return true;
  }
}

export function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** What may be written at `target` in this mode; reads the file that is there. */
function mayWrite(
  target: string,
  data: Buffer,
  mode: PullMode,
  pushed: Map<string, string>,
): 'write' | 'same' | 'kept' {
  let here: Buffer | undefined;
  try {
    if (lstatSync(target).isFile()) here = readFileSync(target);
    else return mode === 'scratch' ? 'write' : 'kept';
  } catch {
    return 'write';
  }
  const engine = sha1(data);
  // Unchanged on the engine since it was pushed: what is here stays (the learner may have edited it).
  if (sha1(here) === engine || pushed.get(target) === engine) return 'same';
  if (mode === 'scratch') return 'write';
  return pushed.get(target) === sha1(here) ? 'write' : 'kept';
}

function tooLarge(limits: PullLimits): DeLabError {
  return new DeLabError(
    tr({
      en: `What the engine holds of this folder is larger than ${limits.maxTotalBytes} bytes or ${limits.maxEntries} entries, so de-lab did not copy the rest back.`,
      ko: `엔진에 있는 이 폴더의 내용이 ${limits.maxTotalBytes}바이트 또는 항목 ${limits.maxEntries}개보다 커서 나머지는 가져오지 않았습니다.`,
    }),
    {
      hint: tr({
        en: 'Remove large outputs your program writes (checkpoints, copies of the data), then run it again.',
        ko: '프로그램이 쓰는 큰 출력(체크포인트, 데이터 사본)을 지운 뒤 다시 실행하세요.',
      }),
      code: 'E_MIRROR_SIZE',
    },
  );
}

/**
 * Writes an archive of the engine's copy of `base` into `base` here: folders and regular files
 * only, never through a link, within the limits. Files are written by this process, so they belong
 * to the user who runs de-lab.
 */
export async function writePulled(
  archive: NodeJS.ReadableStream,
  base: string,
  mode: PullMode,
  known: { files: Map<string, string>; dirs: Set<string> },
  limits: Partial<PullLimits> = {},
): Promise<PullStats> {
  const { extract } = await import('tar-stream');
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  const stats: PullStats = { files: 0, bytes: 0, kept: [], refused: [] };
  let entries = 0;
  const tar = extract();
  await new Promise<void>((done, fail) => {
    tar.on('entry', (head, stream, next) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (stats.bytes + size <= bounds.maxTotalBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        try {
          entries += 1;
          if (entries > bounds.maxEntries || stats.bytes + size > bounds.maxTotalBytes) throw tooLarge(bounds);
          take(head.name, head.type ?? 'file', Number(head.mode ?? 0o644), Buffer.concat(chunks));
          next();
        } catch (error) {
          tar.destroy(error as Error);
        }
      });
      stream.resume();
    });
    tar.on('finish', done);
    tar.on('error', fail);
    archive.on('error', fail);
    archive.pipe(tar);
  });
  return stats;

  function take(name: string, type: string, fileMode: number, data: Buffer): void {
    const inner = innerName(name);
    if (inner === undefined) return; // the folder itself
    if ((type !== 'file' && type !== 'directory') || !plainPath(base, inner)) {
      stats.refused.push(inner);
      return;
    }
    const target = join(base, inner);
    if (type === 'directory') {
      try {
        mkdirSync(target, { recursive: true });
        known.dirs.add(target);
      } catch {
        stats.refused.push(inner); // a file of the same name is here
      }
      return;
    }
    const verdict = mayWrite(target, data, mode, known.files);
    if (verdict === 'kept') stats.kept.push(inner);
    if (verdict !== 'write') return;
    mkdirSync(join(target, '..'), { recursive: true });
    try {
      unlinkSync(target); // a new file, never one written through a hard link
    } catch {
      // not there
    }
    writeFileSync(target, data, { mode: fileMode & 0o777 });
    known.files.set(target, sha1(data));
    stats.files += 1;
    stats.bytes += data.length;
  }
}
