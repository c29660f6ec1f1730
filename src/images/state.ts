import type Dockerode from 'dockerode';
import { PLATFORMS, variantTag, type Platform } from './platform.js';
import { imageTag, type Recipe } from './recipes.js';
import { imagePlatform } from './variants.js';

export interface ImageState {
  name: string;
  tag: string;
  present: boolean;
  id?: string;
  sizeBytes?: number;
  created?: string;
  /** What the image's config says it is for (`linux/amd64`), when it is there. */
  imagePlatform?: string;
}

async function tagState(docker: Dockerode, name: string, tag: string): Promise<ImageState> {
  try {
    const info = await docker.getImage(tag).inspect();
    return {
      name,
      tag,
      present: true,
      id: info.Id,
      sizeBytes: info.Size,
      created: info.Created,
      imagePlatform: imagePlatform(info),
    };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { name, tag, present: false };
    throw error;
  }
}

export async function imageState(docker: Dockerode, prefix: string, recipe: Recipe): Promise<ImageState> {
  return tagState(docker, recipe.name, imageTag(prefix, recipe));
}

/** One platform's variant of a course image on this engine, under its variant tag. */
export interface VariantState extends ImageState {
  platform: Platform;
}

/** Every platform's variant of a recipe's image on an engine whose own platform is `native`, present or not. */
export async function variantStates(
  docker: Dockerode,
  prefix: string,
  recipe: Recipe,
  native: Platform | undefined,
): Promise<VariantState[]> {
  const tag = imageTag(prefix, recipe);
  return Promise.all(
    PLATFORMS.map(async (platform) => ({
      ...(await tagState(docker, recipe.name, variantTag(tag, platform, native))),
      platform,
    })),
  );
}
