import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temp files of writeFileAtomic look like `<name>.<pid>.<random>.tmp` next to their target. */
export function isTempOf(name: string, candidate: string): boolean {
  return candidate.startsWith(`${name}.`) && candidate.endsWith('.tmp');
}

function syncFolder(dir: string): void {
  // Makes the rename itself durable; folders cannot be opened for fsync on Windows, which is fine.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/**
 * Writes a whole file so that a crash at any moment leaves either the old or the new content:
 * write a temp file beside it, fsync, then rename over the target.
 */
// The random part need not be secret, only unlikely to repeat ('wx' refuses a clash): Math.random
// spares `de-lab list` loading node:crypto.
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const temp = join(
    dirname(path),
    `${basename(path)}.${process.pid}.${Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0')}.tmp`,
  );
  const fd = openSync(temp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}

/** Writes a new file (never replacing one) and fsyncs it: for backups, which must exist before an overwrite. */
export function writeFileDurable(path: string, data: Uint8Array, mode = 0o644): void {
  const fd = openSync(path, 'wx', mode);
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
