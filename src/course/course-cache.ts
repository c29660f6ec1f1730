import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labsDir } from '../core/paths.js';
import type { Day } from './exercises.js';

/**
 * The course as loadCourse() returns it, cached as JSON beside the user's other caches and used
 * while no file of the course (and no de-lab module) has changed: validating every manifest loads
 * a YAML parser and a schema library, most of `de-lab list`'s time. Any change re-validates.
 */
export function cacheFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'de-lab', `course-${hash64(root)}.json`);
}

/**
 * FNV-1a over the string's UTF-16 code units, twice with different offsets: 64 bits as hex. Not a
 * guard against anyone, only a change detector; node:crypto would cost `de-lab list` ~9 ms of its
 * start-up (the modules Node compiles to load it).
 */
export function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Path, size and modification time of every file of every day (and of the modules that parse them). */
export function fingerprint(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // Code-unit order: localeCompare would load ICU's collator, 15 ms of a 130 ms `list`.
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path, { throwIfNoEntry: false });
        if (stat) lines.push(`${path}\0${stat.size}\0${stat.mtimeMs}`);
      }
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && /^day[1-9]$/.test(entry.name)) walk(join(root, entry.name));
  }
  const here = dirname(fileURLToPath(import.meta.url));
  for (const module of ['exercises', 'labs', 'schema']) {
    for (const ext of ['.js', '.ts']) {
      const stat = statSync(join(here, module + ext), { throwIfNoEntry: false });
      if (stat) lines.push(`${module}${ext}\0${stat.size}\0${stat.mtimeMs}`);
    }
  }
  return hash64(lines.join('\n'));
}

export async function loadCourseCached(root: string = labsDir): Promise<Day[]> {
  const file = cacheFile(root);
  let print: string | undefined;
  try {
    print = fingerprint(root);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string; days: Day[] };
    if (cached.fingerprint === print) return cached.days;
  } catch {
    // No cache yet, or an unreadable one: load and validate the course.
  }
  const { loadCourse } = await import('./exercises.js');
  const days = loadCourse(root);
  if (print) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ fingerprint: print, days }));
      renameSync(temp, file);
    } catch {
      // A read-only home still works, just without the cache.
    }
  }
  return days;
}
