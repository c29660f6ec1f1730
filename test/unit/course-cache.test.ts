import { existsSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFile, fingerprint, hash64, loadCourseCached } from '../../src/course/course-cache.js';
import { loadCourse } from '../../src/course/exercises.js';
import { copyCourse, tempDir } from '../helpers/course.js';

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = tempDir('de-lab-cache-');
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
});

describe('the course cache behind list and progress', () => {
  it('hash64: 16 hex digits, stable, and changed by any one code unit', () => {
    const base = 'day1/lab.yaml\u00002048\u00001733500000000.123';
    expect(hash64(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash64(base)).toBe(hash64(String(base)));
    const seen = new Set([hash64(base)]);
    for (let i = 0; i < base.length; i++) seen.add(hash64(base.slice(0, i) + '#' + base.slice(i + 1)));
    seen.add(hash64(base + '\n'));
    expect(seen.size).toBe(base.length + 2);
    expect(hash64('')).not.toBe(hash64('\u0000'));
  });
  it('returns what loadCourse returns, and writes the cache', async () => {
    const root = copyCourse();
    expect(await loadCourseCached(root)).toEqual(JSON.parse(JSON.stringify(loadCourse(root))));
    expect(existsSync(cacheFile(root))).toBe(true);
    expect(await loadCourseCached(root)).toEqual(JSON.parse(JSON.stringify(loadCourse(root))));
  });

  it('a changed manifest is seen at once (the fingerprint changes), and a broken one still fails', async () => {
    const root = copyCourse();
    await loadCourseCached(root);
    const before = fingerprint(root);
    const manifest = join(root, 'day1', 'exercises', 'hello-file', 'exercise.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('Say hello', 'Say hello again'));
    utimesSync(manifest, new Date(), new Date(Date.now() + 5000));
    expect(fingerprint(root)).not.toBe(before);
    const day1 = (await loadCourseCached(root)).find((d) => d.lab.id === 'day1')!;
    expect(day1.exercises.find((e) => e.id === 'hello-file')!.title.en).toBe('Say hello again');
    writeFileSync(manifest, 'id: [broken');
    await expect(loadCourseCached(root)).rejects.toThrow(/exercise\.yaml/);
  });
});
