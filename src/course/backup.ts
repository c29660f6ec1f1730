import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileDurable } from './atomic.js';

export const BACKUPS = join('.de-lab', 'backups');

/**
 * One backup session: `.de-lab/backups/<timestamp>/` in a workspace. Every overwrite of a
 * learner's file first copies the file here; nothing in a backup is ever deleted by de-lab.
 */
export interface Backup {
  /** The session folder (absolute). */
  dir: string;
  /** Files copied so far, relative to `dir` (<day>/<exercise>/<file>). */
  files: string[];
}

/** A filesystem-safe UTC timestamp that sorts in time order: 2025-03-01T09-30-12.345Z. */
function stamp(now: Date): string {
  return now.toISOString().replace(/:/g, '-');
}

/**
 * Claims a new, empty session folder. mkdir without `recursive` fails when the folder exists, so
 * two sessions in the same millisecond (or in two processes) get `<stamp>`, `<stamp>-1`, ….
 */
export function startBackup(workspace: string, now = new Date()): Backup {
  const parent = join(workspace, BACKUPS);
  mkdirSync(parent, { recursive: true });
  const base = stamp(now);
  for (let n = 0; ; n++) {
    const dir = join(parent, n === 0 ? base : `${base}-${n}`);
    try {
      mkdirSync(dir);
      return { dir, files: [] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Copies a learner's file into the session (durably, before the caller overwrites it). */
export function backupFile(backup: Backup, source: string, relative: string): string {
  const target = join(backup.dir, relative);
  mkdirSync(dirname(target), { recursive: true });
  writeFileDurable(target, readFileSync(source), statSync(source).mode & 0o777);
  backup.files.push(relative);
  return target;
}

/** Ends a session: an empty session folder is removed; returns the folder when it holds files. */
export function finishBackup(backup: Backup): string | undefined {
  if (backup.files.length > 0) return backup.dir;
  try {
    rmdirSync(backup.dir); // only succeeds on an empty folder, so it can never remove a copy
  } catch {
    /* not empty or already gone: keep it */
  }
  return undefined;
}

/** Every backed-up file in a workspace, absolute paths, oldest session first. */
export function listBackupFiles(workspace: string): string[] {
  const parent = join(workspace, BACKUPS);
  if (!existsSync(parent)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  walk(parent);
  return out;
}
