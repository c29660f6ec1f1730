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
      throw new DeLabError(
        `${composeFile}: service ${ref.service} uses ${ref.name}:${ref.version}, but the recipe builds ${ref.name}:${recipe!.version}.`,
        {
          hint: 'Make the compose file and labs/images/<name>/image.yaml name the same version.',
          code: 'E_RECIPE',
        },
      );
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
    tr({
      en: `Images missing: ${missing.map((m) => m.tag).join(', ')}.`,
      ko: `이미지가 없습니다: ${missing.map((m) => m.tag).join(', ')}.`,
    }),
    {
      hint: tr({
        en: 'Build them with `de-lab images build`, or pass --yes to build them while starting.',
        ko: '`de-lab images build`로 빌드하거나, --yes를 주어 시작하면서 빌드하세요.',
      }),
      code: 'E_IMAGES_MISSING',
    },
  );
}

/** One image a day still needs, and how to get it; `run` reports progress lines. */
export interface ImageWork {
  image: NeededImage;
  run: (onProgress: (text: string) => void) => Promise<void>;
}

/**
 * The one routine that makes sure a day's images exist (start, grade, selftest): first pulls from
 * a configured registry prefix (failures only mean a build), then builds what is still missing,
 * with the extra CA and the offline package folder of the settings. The caller decides how to
 * show the work (`pulls`, `builds`: e.g. listr2 tasks or one line each). Returns what was built.
 */
export async function ensureDayImages(
  input: {
    docker: Dockerode;
    composeFile: string;
    prefix: string;
    caFile: string;
    /** The offline package folder of the settings ('' for the registries). */
    packages: string;
    tryPull: boolean;
  },
  show: { pulls?: (work: ImageWork[]) => Promise<void>; builds: (work: ImageWork[]) => Promise<void> },
): Promise<NeededImage[]> {
  const missing = async () =>
    (await neededImages(input.docker, input.prefix, input.composeFile)).filter((image) => !image.present);
  let todo = await missing();
  if (todo.length === 0) return [];
  if (input.tryPull && show.pulls) {
    const { pullImage } = await import('./pull.js');
    await show
      .pulls(
        todo.map((image) => ({
          image,
          run: async (onProgress) => void (await pullImage(input.docker, image.tag, onProgress)),
        })),
      )
      .catch(() => undefined);
    todo = await missing();
    if (todo.length === 0) return [];
  }
  const { buildImage } = await import('./build.js');
  await show.builds(
    todo.map((image) => ({
      image,
      run: async (onProgress) =>
        void (await buildImage(image.recipe, {
          docker: input.docker,
          prefix: input.prefix,
          caFile: input.caFile,
          packages: input.packages,
          onProgress: (event) => event.step && onProgress(event.step),
        })),
    })),
  );
  return todo;
}
