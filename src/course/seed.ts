import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { labsDir, packageRoot } from '../core/paths.js';
import { MAX_SEED } from '../core/seed.js';
import { loadYaml } from './yaml-file.js';

const courseSchema = z.object({ seed: z.number().int().min(0).max(MAX_SEED) }).strict();

const seeds = new Map<string, number>();

/**
 * The course's data seed: `seed` of <labs>/course.yaml, its one home. A course folder without
 * one (an instructor's own course, test fixtures) uses the seed of de-lab's own course.
 */
export function courseSeed(root: string = labsDir): number {
  const own = join(root, 'course.yaml');
  const file = existsSync(own) ? own : join(packageRoot, 'labs', 'course.yaml');
  let seed = seeds.get(file);
  if (seed === undefined) {
    seed = loadYaml(file, courseSchema).seed;
    seeds.set(file, seed);
  }
  return seed;
}
