import type Dockerode from 'dockerode';
import { tr } from '../i18n/lang.js';
import { listedSources, packageSource } from './packages.js';
import { daysUsing, loadRecipes } from './recipes.js';
import { imageState } from './state.js';

/** Every course image: its state in the engine, where its packages come from, and the days that use it. */
export async function imageOverview(docker: Dockerode, prefix: string, packagesFolder: string) {
  const recipes = loadRecipes();
  const days = daysUsing(recipes);
  const images = [];
  for (const recipe of recipes) {
    const state = await imageState(docker, prefix, recipe);
    const packages = packageSource(recipe, packagesFolder);
    const { files: _files, ...packagesShown } = packages;
    images.push({
      ...state,
      version: recipe.version,
      sources: listedSources(recipe, packages),
      packages: recipe.packages ? packagesShown : undefined,
      days: days.get(recipe.name) ?? [],
      summary: tr(recipe.summary),
    });
  }
  return images;
}
