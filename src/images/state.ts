import type Dockerode from 'dockerode';
import { imageTag, type Recipe } from './recipes.js';

export interface ImageState {
  name: string;
  tag: string;
  present: boolean;
  id?: string;
  sizeBytes?: number;
  created?: string;
}

export async function imageState(docker: Dockerode, prefix: string, recipe: Recipe): Promise<ImageState> {
  const tag = imageTag(prefix, recipe);
  try {
    const info = await docker.getImage(tag).inspect();
    return { name: recipe.name, tag, present: true, id: info.Id, sizeBytes: info.Size, created: info.Created };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return { name: recipe.name, tag, present: false };
    throw error;
  }
}
