import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DeLabError, EXIT } from '../core/errors.js';
import { imagesDir, labsDir } from '../core/paths.js';
import { loadYaml } from '../course/labs.js';
import { textSchema } from '../course/schema.js';
import { platformFieldsProblem, recipePlatformFields } from './platform.js';
import { sourceSchema } from './sources.js';

export const recipeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    summary: textSchema,
    /** Registries the build downloads from, by kind and item (see sources.ts); probed before building. */
    sources: z.array(sourceSchema).min(1),
    ports: z.record(z.string(), z.number()).optional(),
    /**
     * What the recipe can take from an offline package folder instead of a registry: the files
     * (paths inside the folder; `*` matches within one name), the source in `sources` they stand
     * in for, and, when that registry is still needed for the rest, an item of it to probe instead
     * (a package, gem or artifact).
     */
    packages: z
      .object({
        registry: z.string(),
        files: z
          .array(
            z
              .string()
              .refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), 'a path inside the folder'),
          )
          .min(1),
        stillProbe: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Platforms it builds for, why not the others, and speed-only work (see platform.ts). */
    ...recipePlatformFields,
  })
  .strict();

export interface Recipe extends z.infer<typeof recipeSchema> {
  dir: string;
  dockerfile: string;
}

export function loadRecipes(root = imagesDir): Recipe[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(root, entry.name, 'image.yaml')),
    )
    .map((entry) => {
      const recipe = loadYaml(join(root, entry.name, 'image.yaml'), recipeSchema);
      if (recipe.name !== entry.name) {
        throw new DeLabError(
          `${join(root, entry.name, 'image.yaml')}: name "${recipe.name}" must equal its folder "${entry.name}".`,
          { code: 'E_RECIPE' },
        );
      }
      if (recipe.packages && !recipe.sources.some((source) => source.name === recipe.packages!.registry)) {
        throw new DeLabError(
          `${join(root, entry.name, 'image.yaml')}: packages.registry "${recipe.packages.registry}" names none of its sources.`,
          { code: 'E_RECIPE' },
        );
      }
      const platformProblem = platformFieldsProblem(recipe);
      if (platformProblem) {
        throw new DeLabError(`${join(root, entry.name, 'image.yaml')}: ${platformProblem}.`, { code: 'E_RECIPE' });
      }
      return { ...recipe, dir: join(root, entry.name), dockerfile: `${entry.name}/Dockerfile` };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function imageTag(prefix: string, recipe: Pick<Recipe, 'name' | 'version'>): string {
  return `${prefix}/${recipe.name}:${recipe.version}`;
}

export function findRecipes(names: string[], recipes = loadRecipes()): Recipe[] {
  if (names.length === 0) return recipes;
  return names.map((name) => {
    const recipe = recipes.find((candidate) => candidate.name === name);
    if (!recipe) {
      throw new DeLabError(`There is no image recipe called "${name}".`, {
        hint: `Images: ${recipes.map((r) => r.name).join(', ')}.`,
        code: 'E_NO_IMAGE',
        exitCode: EXIT.usage,
      });
    }
    return recipe;
  });
}

/** A compose image reference that names a recipe: `${DE_LAB_IMAGE_PREFIX:-de-lab}/kafka:3.9.2` → kafka, 3.9.2. */
export function parseImageRef(ref: string): { name: string; version: string } | undefined {
  const match = /^\$\{DE_LAB_IMAGE_PREFIX(?::-[^}]*)?\}\/([a-z0-9][a-z0-9-]*):([^\s]+)$/.exec(ref.trim());
  return match ? { name: match[1]!, version: match[2]! } : undefined;
}

/** The recipes a day's compose file uses (image: ${DE_LAB_IMAGE_PREFIX:-de-lab}/<name>:<version>). */
export function composeImages(composeFile: string): Array<{ service: string; name: string; version: string }> {
  const doc = parse(readFileSync(composeFile, 'utf8')) as { services?: Record<string, { image?: string }> };
  const result: Array<{ service: string; name: string; version: string }> = [];
  for (const [service, spec] of Object.entries(doc.services ?? {})) {
    const ref = spec?.image ? parseImageRef(spec.image) : undefined;
    if (ref) result.push({ service, ...ref });
  }
  return result;
}

/** Which days use each recipe, from the days' compose files. */
export function daysUsing(recipes: Recipe[], root = labsDir): Map<string, string[]> {
  const days = new Map<string, string[]>(recipes.map((recipe) => [recipe.name, []]));
  if (!existsSync(root)) return days;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const compose = join(root, entry.name, 'compose.yaml');
    if (!entry.isDirectory() || !/^day[1-9]$/.test(entry.name) || !existsSync(compose)) continue;
    for (const { name } of composeImages(compose)) {
      const list = days.get(name);
      if (list && !list.includes(entry.name)) list.push(entry.name);
    }
  }
  return days;
}
