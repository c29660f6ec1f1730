import type Dockerode from 'dockerode';
import { tr } from '../i18n/lang.js';
import { listedSources, packageSource } from './packages.js';
import { enginePlatform, type EngineFacts, type Platform } from './platform.js';
import { daysUsing, loadRecipes } from './recipes.js';
import { variantStates } from './state.js';
import { buildsFor } from './variants.js';

/**
 * Every course image: its state in the engine (the engine's own platform first, as `tag`/`present`,
 * and every platform's variant in `variants`), the platforms its recipe builds for and why not the
 * others, where its packages come from, and the days that use it.
 */
export async function imageOverview(docker: Dockerode, prefix: string, packagesFolder: string) {
  const native = enginePlatform((await docker.info()) as EngineFacts);
  const recipes = loadRecipes();
  const days = daysUsing(recipes);
  const images = [];
  for (const recipe of recipes) {
    const variants = await variantStates(docker, prefix, recipe, native);
    const { platform: _platform, ...state } = variants.find((v) => v.platform === native) ?? variants[0]!;
    const packages = packageSource(recipe, packagesFolder);
    const { files: _files, ...packagesShown } = packages;
    const notOn = Object.entries(recipe.notOn ?? {}).map(([platform, why]) => ({ platform, why: tr(why) }));
    images.push({
      ...state,
      platform: native ?? null,
      version: recipe.version,
      variants: variants.map(({ name: _name, ...variant }) => variant),
      buildsFor: buildsFor(recipe),
      notOn: notOn as Array<{ platform: Platform; why: string }>,
      sources: listedSources(recipe, packages),
      packages: recipe.packages ? packagesShown : undefined,
      days: days.get(recipe.name) ?? [],
      summary: tr(recipe.summary),
    });
  }
  return { platform: native ?? null, images };
}
