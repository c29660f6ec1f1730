import { josa } from '../../i18n/josa.js';
import {
  constants,
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { tr } from '../../i18n/lang.js';

/** Bounds on what one submission may unpack to; beyond them the submission is rejected. */
export interface ArchiveLimits {
  /** Bytes of all files together, uncompressed. */
  maxTotalBytes: number;
  /** Entries of any kind (files, folders, links). */
  maxFiles: number;
  maxFileBytes: number;
}

export const MiB = 1024 * 1024;
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 50 * MiB,
  maxFiles: 2000,
  maxFileBytes: 20 * MiB,
};

export type SubmissionFormat = 'folder' | 'zip' | 'tar.gz';

/** A submission that is refused as a whole; `reason` is one sentence for the instructor's report. */
export class UnsafeSubmission extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnsafeSubmission';
  }
}

export interface UnpackResult {
  files: number;
  bytes: number;
  /** Things dropped on the way that do not make the submission unsafe (dangling links, OS junk). */
  notes: string[];
  /** The modification time of the newest file entry (ISO 8601): when the work was last saved. */
  newest?: string;
}

type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'special';

interface Entry {
  name: string;
  kind: EntryKind;
  /** Permission bits as stored (only the executable bits are kept). */
  mode: number;
  /** Declared size of a file's content. */
  size: number;
  /** Symlink target (as written) or hard-link target (an archive path). */
  link?: string;
  content?: () => Promise<Readable>;
  /** Modification time as stored in the archive. */
  mtime?: Date;
}

const mb = (bytes: number) =>
  bytes >= MiB
    ? `${Math.round((bytes / MiB) * 10) / 10} MB`
    : bytes >= 1024
      ? `${Math.round((bytes / 1024) * 10) / 10} KB`
      : `${bytes} bytes`;

/** Printable form of a name from an archive: control characters shown as \xNN, long names cut. */
export function printable(name: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

const JUNK = (parts: string[]) =>
  parts[0] === '__MACOSX' || parts[parts.length - 1] === '.DS_Store' || parts[parts.length - 1] === 'Thumbs.db';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Writes entries under `root`, refusing anything that could land outside it or blow up the disk:
 * `..` parts, absolute paths, links that lead out, devices and other special files, and sizes or
 * counts over the limits (counted as bytes are written, not only as headers declare them).
 * Symbolic links are created last, once every file is written, and only where no other link
 * leads through them; then their real targets are checked again, so chains of links cannot escape.
 */
export class Unpacker {
  private count = 0;
  private bytes = 0;
  private readonly files = new Set<string>();
  private readonly links: Array<{ rel: string; target: string }> = [];
  readonly notes: string[] = [];
  private newest?: Date;

  constructor(
    private readonly root: string,
    private readonly limits: ArchiveLimits,
  ) {
    mkdirSync(root, { recursive: true });
  }

  /** The entry's path relative to root, or undefined when it is skipped (the root itself, OS junk). */
  private path(name: string): string | undefined {
    if (name.includes('\u0000'))
      throw new UnsafeSubmission(
        tr({
          en: `entry "${printable(name)}" has a NUL character in its name`,
          ko: `항목 "${printable(name)}"의 이름에 NUL 문자가 있음`,
        }),
      );
    if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.startsWith('\\')) {
      throw new UnsafeSubmission(
        tr({
          en: `entry "${printable(name)}" has an absolute path`,
          ko: `항목 "${printable(name)}"이(가) 절대 경로임`,
        }),
      );
    }
    const parts = name.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..')) {
      throw new UnsafeSubmission(
        tr({
          en: `entry "${printable(name)}" uses ".." to point outside the submission (path traversal)`,
          ko: `항목 "${printable(name)}"이(가) ".."로 제출물 밖을 가리킴(경로 조작)`,
        }),
      );
    }
    if (parts.length === 0) return undefined;
    if (JUNK(parts)) return undefined;
    return parts.join('/');
  }

  private countEntry(): void {
    this.count += 1;
    if (this.count > this.limits.maxFiles) {
      throw new UnsafeSubmission(
        tr({
          en: `more than ${this.limits.maxFiles} files (the limit)`,
          ko: `파일이 제한(${this.limits.maxFiles}개)보다 많음`,
        }),
      );
    }
  }

  private addBytes(rel: string, n: number, sofar: number): void {
    this.bytes += n;
    if (sofar > this.limits.maxFileBytes) {
      throw new UnsafeSubmission(
        tr({
          en: `file "${printable(rel)}" is larger than the per-file limit of ${mb(this.limits.maxFileBytes)}`,
          ko: `파일 "${printable(rel)}"이(가) 파일당 제한 ${mb(this.limits.maxFileBytes)}보다 큼`,
        }),
      );
    }
    if (this.bytes > this.limits.maxTotalBytes) {
      throw new UnsafeSubmission(
        tr({
          en: `unpacks to more than ${mb(this.limits.maxTotalBytes)} (the limit)`,
          ko: `압축을 풀면 제한(${mb(this.limits.maxTotalBytes)})보다 큼`,
        }),
      );
    }
  }

  private conflict(rel: string, error: unknown): UnsafeSubmission {
    const code = (error as { code?: string }).code ?? String(error);
    return new UnsafeSubmission(
      tr({
        en: `entry "${printable(rel)}" cannot be unpacked (${code}: it clashes with another entry)`,
        ko: `항목 "${printable(rel)}"을(를) 풀 수 없음 (${code}: 다른 항목과 충돌)`,
      }),
    );
  }

  async add(entry: Entry): Promise<void> {
    this.countEntry();
    if (entry.kind === 'file' && entry.mtime && !Number.isNaN(entry.mtime.getTime()))
      if (!this.newest || entry.mtime > this.newest) this.newest = entry.mtime;
    const rel = this.path(entry.name);
    if (rel === undefined) return;
    const target = join(this.root, ...rel.split('/'));
    switch (entry.kind) {
      case 'device':
        throw new UnsafeSubmission(
          tr({ en: `entry "${printable(rel)}" is a device file`, ko: `항목 "${printable(rel)}"은(는) 장치 파일임` }),
        );
      case 'special':
        throw new UnsafeSubmission(
          tr({
            en: `entry "${printable(rel)}" is a special file (FIFO or socket), not a regular file`,
            ko: `항목 "${printable(rel)}"은(는) 일반 파일이 아닌 특수 파일(FIFO, 소켓)임`,
          }),
        );
      case 'directory':
        try {
          mkdirSync(target, { recursive: true, mode: 0o755 });
        } catch (error) {
          throw this.conflict(rel, error);
        }
        return;
      case 'symlink': {
        const link = entry.link ?? '';
        if (link === '' || isAbsolute(link) || /^[a-zA-Z]:/.test(link) || link.startsWith('\\')) {
          throw new UnsafeSubmission(
            tr({
              en: `symbolic link "${printable(rel)}" points to the absolute path "${printable(link)}", outside the submission`,
              ko: `심볼릭 링크 "${printable(rel)}"이(가) 제출물 밖의 절대 경로 "${printable(link)}"을(를) 가리킴`,
            }),
          );
        }
        if (!inside(this.root, resolve(dirname(target), link))) {
          throw new UnsafeSubmission(
            tr({
              en: `symbolic link "${printable(rel)}" points to "${printable(link)}", outside the submission`,
              ko: `심볼릭 링크 "${printable(rel)}"이(가) 제출물 밖의 "${printable(link)}"을(를) 가리킴`,
            }),
          );
        }
        this.links.push({ rel, target: link });
        return;
      }
      case 'hardlink': {
        let source: string | undefined;
        try {
          source = this.path(entry.link ?? '');
        } catch {
          source = undefined;
        }
        if (!source || !this.files.has(source)) {
          throw new UnsafeSubmission(
            tr({
              en: `hard link "${printable(rel)}" points to "${printable(entry.link ?? '')}", which is not a file inside the submission`,
              ko: `하드 링크 "${printable(rel)}"이(가) 제출물 안의 파일이 아닌 "${printable(entry.link ?? '')}"을(를) 가리킴`,
            }),
          );
        }
        const from = join(this.root, ...source.split('/'));
        // A copy, never a real link: nothing in the tree may share an inode with anything else.
        this.addBytes(rel, statSync(from).size, statSync(from).size);
        try {
          mkdirSync(dirname(target), { recursive: true });
          copyFileSync(from, target);
        } catch (error) {
          throw this.conflict(rel, error);
        }
        this.files.add(rel);
        return;
      }
      case 'file': {
        if (entry.size > this.limits.maxFileBytes) this.addBytes(rel, 0, entry.size);
        if (this.bytes + entry.size > this.limits.maxTotalBytes) this.addBytes(rel, entry.size, 0);
        let fd: number;
        try {
          mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
          fd = openSync(
            target,
            constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0),
            entry.mode & 0o111 ? 0o755 : 0o644,
          );
        } catch (error) {
          throw this.conflict(rel, error);
        }
        let written = 0;
        const counter = new Transform({
          transform: (chunk: Buffer, _encoding, callback) => {
            written += chunk.length;
            try {
              this.addBytes(rel, chunk.length, written);
              callback(null, chunk);
            } catch (error) {
              callback(error as Error);
            }
          },
        });
        const source = entry.content ? await entry.content() : undefined;
        const out = createWriteStream('', { fd });
        if (!source) {
          out.end();
          await new Promise<void>((done) => out.on('close', () => done()));
        } else {
          await pipeline(source, counter, out);
        }
        this.files.add(rel);
        return;
      }
    }
  }

  /** Creates the symbolic links and proves each really resolves inside the tree. */
  finish(): UnpackResult {
    const linkPaths = new Set(this.links.map((link) => link.rel));
    for (const link of this.links) {
      const parts = link.rel.split('/');
      for (let i = 1; i < parts.length; i++) {
        if (linkPaths.has(parts.slice(0, i).join('/'))) {
          throw new UnsafeSubmission(
            tr({
              en: `entry "${printable(link.rel)}" lies behind the symbolic link "${printable(parts.slice(0, i).join('/'))}"`,
              ko: `항목 "${printable(link.rel)}"이(가) 심볼릭 링크 "${printable(parts.slice(0, i).join('/'))}" 뒤에 있음`,
            }),
          );
        }
      }
    }
    for (const link of this.links) {
      const path = join(this.root, ...link.rel.split('/'));
      try {
        mkdirSync(dirname(path), { recursive: true });
        symlinkSync(link.target, path);
      } catch (error) {
        throw this.conflict(link.rel, error);
      }
    }
    // realpath.native: the kernel's resolution. The JS realpath resolves `link/..` lexically, so a
    // chain like y -> x/up/.., x/up -> .. would look inside while the kernel climbs out.
    const realRoot = realpathSync.native(this.root);
    for (const link of this.links) {
      const path = join(this.root, ...link.rel.split('/'));
      let real: string;
      try {
        real = realpathSync.native(path);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ELOOP')
          throw new UnsafeSubmission(
            tr({
              en: `symbolic link "${printable(link.rel)}" is part of a loop`,
              ko: `심볼릭 링크 "${printable(link.rel)}"이(가) 순환함`,
            }),
          );
        unlinkSync(path);
        this.notes.push(
          tr({
            en: `dropped the dangling symbolic link ${printable(link.rel)}`,
            ko: `가리키는 대상이 없는 심볼릭 링크 ${josa(printable(link.rel), '을/를')} 뺐음`,
          }),
        );
        continue;
      }
      if (!inside(realRoot, real)) {
        throw new UnsafeSubmission(
          tr({
            en: `symbolic link "${printable(link.rel)}" leads outside the submission through other links`,
            ko: `심볼릭 링크 "${printable(link.rel)}"이(가) 다른 링크를 거쳐 제출물 밖으로 이어짐`,
          }),
        );
      }
    }
    return {
      files: this.files.size,
      bytes: this.bytes,
      notes: this.notes,
      ...(this.newest ? { newest: this.newest.toISOString() } : {}),
    };
  }
}

function kindOfMode(mode: number): EntryKind {
  switch (mode & 0o170000) {
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o020000:
    case 0o060000:
      return 'device';
    case 0o010000:
    case 0o140000:
      return 'special';
    default:
      return 'file';
  }
}

async function readSmall(stream: Readable, max: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new UnsafeSubmission(
        tr({
          en: `the target of symbolic link "${printable(what)}" is implausibly long`,
          ko: `심볼릭 링크 "${printable(what)}"의 대상이 비정상적으로 김`,
        }),
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** yauzl's own name checks (it refuses "../" and absolute names) in the same words as ours. */
function zipError(error: unknown): UnsafeSubmission {
  if (error instanceof UnsafeSubmission) return error;
  const message = (error as Error).message ?? String(error);
  const traversal = /^invalid relative path: (.*)$/s.exec(message);
  if (traversal)
    return new UnsafeSubmission(
      tr({
        en: `entry "${printable(traversal[1]!)}" uses ".." to point outside the submission (path traversal)`,
        ko: `항목 "${printable(traversal[1]!)}"이(가) ".."로 제출물 밖을 가리킴(경로 조작)`,
      }),
    );
  const absolute = /^absolute path: (.*)$/s.exec(message);
  if (absolute)
    return new UnsafeSubmission(
      tr({
        en: `entry "${printable(absolute[1]!)}" has an absolute path`,
        ko: `항목 "${printable(absolute[1]!)}"이(가) 절대 경로임`,
      }),
    );
  return new UnsafeSubmission(
    tr({
      en: `not a readable .zip archive (${printable(message, 160)})`,
      ko: `읽을 수 있는 .zip 압축 파일이 아님 (${printable(message, 160)})`,
    }),
  );
}

async function unpackZip(file: string, unpacker: Unpacker, limits: ArchiveLimits): Promise<void> {
  const yauzl = await import('yauzl');
  let zip: import('yauzl').ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      autoClose: true,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw zipError(error);
  }
  try {
    if (zip.entryCount > limits.maxFiles)
      throw new UnsafeSubmission(
        tr({ en: `more than ${limits.maxFiles} files (the limit)`, ko: `파일이 제한(${limits.maxFiles}개)보다 많음` }),
      );
    for await (const entry of zip.eachEntry()) {
      if (entry.isEncrypted())
        throw new UnsafeSubmission(
          tr({
            en: `entry "${printable(entry.fileName)}" is encrypted`,
            ko: `항목 "${printable(entry.fileName)}"이(가) 암호화되어 있음`,
          }),
        );
      const unix = entry.versionMadeBy >> 8 === 3;
      const mode = unix ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
      const kind: EntryKind = entry.fileName.endsWith('/')
        ? 'directory'
        : unix && mode !== 0
          ? kindOfMode(mode)
          : 'file';
      const open = () => zip.openReadStreamPromise(entry);
      if (kind === 'symlink') {
        await unpacker.add({
          name: entry.fileName,
          kind,
          mode,
          size: 0,
          link: await readSmall(await open(), 4096, entry.fileName),
        });
      } else {
        await unpacker.add({
          name: entry.fileName,
          kind,
          mode: mode & 0o777,
          size: entry.uncompressedSize,
          content: kind === 'file' ? open : undefined,
          mtime: entry.getLastModDate(),
        });
      }
    }
  } catch (error) {
    throw zipError(error);
  } finally {
    zip.close();
  }
}

async function unpackTarGz(file: string, unpacker: Unpacker, limits: ArchiveLimits): Promise<void> {
  const tar = await import('tar-stream');
  const extract = tar.extract();
  const gunzip = createGunzip();
  // Headers and padding add at most ~1.5 KiB per entry: past that the stream is a bomb, whatever the headers say.
  const ceiling = limits.maxTotalBytes + (limits.maxFiles + 16) * 1536 + MiB;
  let raw = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      raw += chunk.length;
      if (raw > ceiling)
        callback(
          new UnsafeSubmission(
            tr({
              en: `unpacks to more than ${mb(limits.maxTotalBytes)} (the limit)`,
              ko: `압축을 풀면 제한(${mb(limits.maxTotalBytes)})보다 큼`,
            }),
          ),
        );
      else callback(null, chunk);
    },
  });
  const feeding = pipeline(createReadStream(file), gunzip, meter, extract);
  let failure: unknown;
  feeding.catch((error: unknown) => {
    failure = error;
    extract.destroy(error as Error);
  });
  const map: Record<string, EntryKind> = {
    file: 'file',
    'contiguous-file': 'file',
    directory: 'directory',
    symlink: 'symlink',
    link: 'hardlink',
    'character-device': 'device',
    'block-device': 'device',
    fifo: 'special',
  };
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const kind = map[header.type ?? 'file'];
      if (!kind) {
        entry.resume();
        throw new UnsafeSubmission(
          tr({
            en: `entry "${printable(header.name)}" has the unsupported type ${header.type}`,
            ko: `항목 "${printable(header.name)}"의 형식 ${josa(header.type, '은/는')} 지원하지 않음`,
          }),
        );
      }
      if (kind === 'file') {
        await unpacker.add({
          name: header.name,
          kind,
          mode: header.mode ?? 0o644,
          size: header.size ?? 0,
          content: async () => entry as unknown as Readable,
          mtime: header.mtime,
        });
      } else {
        entry.resume();
        await unpacker.add({
          name: header.name,
          kind,
          mode: header.mode ?? 0o644,
          size: 0,
          link: header.linkname ?? undefined,
        });
      }
    }
    await feeding;
  } catch (error) {
    extract.destroy();
    const cause = failure ?? error;
    if (cause instanceof UnsafeSubmission) throw cause;
    throw new UnsafeSubmission(
      tr({
        en: `not a readable .tar.gz archive (${printable((cause as Error).message ?? String(cause), 160)})`,
        ko: `읽을 수 있는 .tar.gz 압축 파일이 아님 (${printable((cause as Error).message ?? String(cause), 160)})`,
      }),
    );
  }
  if (failure) {
    if (failure instanceof UnsafeSubmission) throw failure;
    throw new UnsafeSubmission(
      tr({
        en: `not a readable .tar.gz archive (${printable((failure as Error).message ?? String(failure), 160)})`,
        ko: `읽을 수 있는 .tar.gz 압축 파일이 아님 (${printable((failure as Error).message ?? String(failure), 160)})`,
      }),
    );
  }
}

/** A folder is read under the same rules as an archive: its links are never followed. */
async function copyFolder(dir: string, unpacker: Unpacker): Promise<void> {
  const walk = async (rel: string): Promise<void> => {
    const abs = rel === '' ? dir : join(dir, ...rel.split('/'));
    for (const name of readdirSync(abs).sort()) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const child = join(abs, name);
      const stats = lstatSync(child);
      if (stats.isDirectory()) {
        await unpacker.add({ name: childRel, kind: 'directory', mode: 0o755, size: 0 });
        await walk(childRel);
      } else if (stats.isSymbolicLink()) {
        await unpacker.add({ name: childRel, kind: 'symlink', mode: 0, size: 0, link: readlinkSync(child) });
      } else if (stats.isFile()) {
        await unpacker.add({
          name: childRel,
          kind: 'file',
          mode: stats.mode,
          size: stats.size,
          content: async () => createReadStream(child),
          mtime: stats.mtime,
        });
      } else {
        await unpacker.add({
          name: childRel,
          kind: stats.isCharacterDevice() || stats.isBlockDevice() ? 'device' : 'special',
          mode: 0,
          size: 0,
        });
      }
    }
  };
  await walk('');
}

/**
 * Unpacks one submission (a folder, .zip or .tar.gz) into `dest` (which must not exist or be
 * empty), or throws UnsafeSubmission with the reason it was refused.
 */
export async function unpackSubmission(
  source: { path: string; format: SubmissionFormat },
  dest: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<UnpackResult> {
  if (existsSync(dest) && readdirSync(dest).length > 0) throw new Error(`${dest} is not empty`);
  if (source.format !== 'folder') {
    const size = statSync(source.path).size;
    if (size > limits.maxTotalBytes)
      throw new UnsafeSubmission(
        tr({
          en: `the archive is ${mb(size)}, over the limit of ${mb(limits.maxTotalBytes)}`,
          ko: `압축 파일이 ${mb(size)}로 제한 ${josa(mb(limits.maxTotalBytes), '을/를')} 넘음`,
        }),
      );
  }
  const unpacker = new Unpacker(dest, limits);
  if (source.format === 'zip') await unpackZip(source.path, unpacker, limits);
  else if (source.format === 'tar.gz') await unpackTarGz(source.path, unpacker, limits);
  else await copyFolder(source.path, unpacker);
  return unpacker.finish();
}

/** Path separators of this platform in a relative path, as forward slashes (for messages and ids). */
export function slashes(path: string): string {
  return path.split(sep).join('/');
}
