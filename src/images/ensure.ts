import type Dockerode from 'dockerode';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { composeImages, findRecipes, imageTag, loadRecipes, type Recipe } from './recipes.js';
import { imageState } from './state.js';

export interface NeededImage {
  recipe: Recipe;
  tag: string;
  present: boolean;
}

/** The images a compose file uses, each tied to its recipe and checked against the engine. */
export async function neededImages(docker: Dockerode, prefix: string, composeFile: string): Promise<NeededImage[]> {
  const recipes = loadRecipes();
  const refs = composeImages(composeFile);
  const result: NeededImage[] = [];
  for (const ref of refs) {
    const [recipe] = findRecipes([ref.name], recipes);
    if (recipe!.version !== ref.version) {
      throw new DeLabError(`${composeFile}: service ${ref.service} uses ${ref.name}:${ref.version}, but the recipe builds ${ref.name}:${recipe!.version}.`, {
        hint: 'Make the compose file and labs/images/<name>/image.yaml name the same version.',
        code: 'E_RECIPE',
      });
    }
    if (result.some((image) => image.recipe.name === ref.name)) continue;
    const state = await imageState(docker, prefix, recipe!);
    result.push({ recipe: recipe!, tag: imageTag(prefix, recipe!), present: state.present });
  }
  return result;
}

/**
 * Pulling is tried only from a prefix the user configured: the default "de-lab/…" names are
 * not ours on Docker Hub, and pulling a stranger's image of that name would be unsafe.
 */
export function shouldTryPull(prefixOrigin: string): boolean {
  return prefixOrigin !== 'default';
}

export function missingImagesError(missing: NeededImage[]): DeLabError {
  return new DeLabError(
    tr({ en: `Images missing: ${missing.map((m) => m.tag).join(', ')}.`, ko: `이미지가 없습니다: ${missing.map((m) => m.tag).join(', ')}.` }),
    { hint: tr({ en: 'Build them with `de-lab images build`, or pass --yes to build them while starting.', ko: '`de-lab images build`로 빌드하거나, --yes를 주어 시작하면서 빌드하세요.' }), code: 'E_IMAGES_MISSING' },
  );
}
