import { parsePlatform, PLATFORMS, type Platform, type PlatformFields } from './platform.js';

/** `--platform` with one platform or several, comma-separated: `linux/amd64,linux/arm64`, each once. */
export function parsePlatforms(text: string): Platform[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) return [parsePlatform(text)]; // refuses the empty text in words
  return [...new Set(parts.map(parsePlatform))];
}

/** The platforms a recipe builds for (all when its image.yaml names none). */
export function buildsFor(recipe: Pick<PlatformFields, 'platforms'>): Platform[] {
  return [...(recipe.platforms ?? PLATFORMS)];
}

/** The platform an image's config says it is for (`os/architecture`), from `docker image inspect`. */
export function imagePlatform(info: { Os?: string; Architecture?: string }): string {
  return `${info.Os ?? 'linux'}/${info.Architecture ?? '?'}`;
}

/** The command that builds the named recipes for a platform on an engine whose own platform is `native`. */
export function buildCommand(names: string[], platform: Platform, native: Platform | undefined): string {
  return `de-lab images build ${names.join(' ')}${platform === native ? '' : ` --platform ${platform}`}`;
}
