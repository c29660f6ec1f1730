import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Recipe } from './recipes.js';
import { withItem } from './sources.js';

/**
 * Offline package folders: a recipe's image.yaml lists the files it can take from one
 * (`packages.files`, e.g. gems/fluentd-1.18.0.gem, npm/turnilo-1.40.3.tgz) instead of a registry.
 * de-lab copies just those files into the build context at <recipe>/packages/, where the
 * Dockerfile looks for them; without a folder that place holds only its README and the recipe
 * installs from the registry.
 */

/** Where a recipe's packages come from, for `images list` and the build. */
export interface PackageSource {
  /** 'folder': the configured folder has every file; 'registry': no folder given, or the recipe takes none. */
  from: 'folder' | 'registry';
  /** The registry the recipe installs from without a folder (rubygems, npm); undefined when it takes nothing from one. */
  registry?: string;
  folder?: string;
  /** The first pattern the folder has no file for (with `from: 'registry'` … the build refuses). */
  missing?: string;
  /** Matched files, relative to the folder. */
  files?: string[];
}

function matches(pattern: string, name: string): boolean {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${escaped}$`).test(name);
}

/** Files in `folder` for one pattern (`*` within the last path segment only); sorted. */
export function findPackageFiles(folder: string, pattern: string): string[] {
  const dir = posix.dirname(pattern);
  const base = posix.basename(pattern);
  const abs = dir === '.' ? folder : join(folder, ...dir.split('/'));
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return [];
  return readdirSync(abs)
    .filter((name) => matches(base, name) && statSync(join(abs, name)).isFile())
    .sort()
    .map((name) => (dir === '.' ? name : `${dir}/${name}`));
}

export function packageSource(recipe: Pick<Recipe, 'packages'>, folder: string): PackageSource {
  if (!recipe.packages) return { from: 'registry' };
  const registry = recipe.packages.registry;
  if (!folder) return { from: 'registry', registry };
  const files: string[] = [];
  for (const pattern of recipe.packages.files) {
    const found = findPackageFiles(folder, pattern);
    if (found.length === 0) return { from: 'registry', registry, folder, missing: pattern };
    files.push(...found);
  }
  return { from: 'folder', registry, folder, files };
}

/** One line for `images list`: "folder /srv/vendor", "rubygems", "folder /srv/vendor lacks gems/x.gem". */
export function describePackageSource(source: PackageSource): string {
  if (source.from === 'folder') return `folder ${source.folder}`;
  if (source.missing) return `${source.folder} lacks ${source.missing}`;
  return source.registry ?? '-';
}

/** The one-sentence refusal when the configured folder lacks a file the recipe needs. */
export function missingPackageError(recipe: Pick<Recipe, 'name'>, source: PackageSource): DeLabError {
  return new DeLabError(
    tr({
      en: `The package folder ${source.folder} has no ${source.missing}, which the ${recipe.name} image needs.`,
      ko: `패키지 폴더 ${source.folder}에 ${recipe.name} 이미지에 필요한 ${source.missing} 파일이 없습니다.`,
    }),
    {
      hint: tr({
        en: `Copy that file into the folder (its README says where it comes from), or build from ${source.registry} with \`de-lab config set packages ""\` (and no --packages / DE_LAB_PACKAGES).`,
        ko: `그 파일을 폴더에 넣거나(폴더의 README 참고), \`de-lab config set packages ""\`(그리고 --packages / DE_LAB_PACKAGES 없이)로 ${source.registry}에서 빌드하세요.`,
      }),
      code: 'E_PACKAGES',
    },
  );
}

/** The sources to probe before building: the folder stands in for its registry (or narrows it to stillProbe). */
export function sourcesToProbe(recipe: Pick<Recipe, 'sources' | 'packages'>, source: PackageSource): Recipe['sources'] {
  if (source.from !== 'folder' || !recipe.packages) return recipe.sources;
  const { registry, stillProbe } = recipe.packages;
  return recipe.sources.flatMap((s) => (s.name !== registry ? [s] : stillProbe ? [withItem(s, stillProbe)] : []));
}

/** Copies the matched files into <context>/<recipe>/packages/, keeping their paths inside the folder. */
export function placePackages(source: PackageSource, target: string): void {
  if (source.from !== 'folder') return;
  for (const file of source.files ?? []) {
    const to = join(target, ...file.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(source.folder!, ...file.split('/')), to);
  }
}

/** The sources `images list` shows: the registry the folder stands in for is replaced by the folder. */
export function listedSources(recipe: Pick<Recipe, 'sources' | 'packages'>, source: PackageSource): string[] {
  return recipe.sources.map((s) => {
    if (s.name !== source.registry) return s.name;
    if (source.from === 'folder')
      return recipe.packages?.stillProbe ? `${s.name} + folder ${source.folder}` : `folder ${source.folder}`;
    return source.missing ? `${s.name} (${source.folder} lacks ${source.missing})` : s.name;
  });
}
