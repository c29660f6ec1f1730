import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir as madeTempDir } from './temp.js';

export const labsFixtures = resolve(import.meta.dirname, '..', 'fixtures', 'labs');
export const goodCourse = join(labsFixtures, 'good');

export function tempDir(prefix = 'de-lab-course-'): string {
  return madeTempDir(prefix);
}

/** A private copy of a fixture course, for tests that change it. */
export function copyCourse(name = 'good'): string {
  const dir = join(tempDir('de-lab-labs-'), name);
  cpSync(join(labsFixtures, name), dir, { recursive: true });
  return dir;
}

/** mulberry32: a small seeded PRNG, so a failing randomized run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
