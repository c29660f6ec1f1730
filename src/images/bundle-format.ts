import { z } from 'zod';
import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { arch, platformSchema, refuseUnsupported, variantTag, type Platform, type PlatformFields } from './platform.js';
import { imageTag } from './recipes.js';
import { buildCommand } from './variants.js';

/**
 * An offline bundle is one tar holding manifest.json and the engine's `docker save` archives.
 * - `de-lab-bundle/1` (before platforms): one images.tar of the saving engine's own platform,
 *   saved by tag. Still loaded as it is.
 * - `de-lab-bundle/2`: one archive per platform, `images-<arch>.tar`, each saved by image id
 *   (no tags inside, so loading an amd64 archive on an arm64 engine cannot take over its tags);
 *   the manifest records each image's usual tag, id and platform, and each archive's checksum.
 *   `images load` tags each image for the engine it lands on (the usual tag for the engine's own
 *   platform, `<tag>-<arch>` for another), as `images build --platform` would have.
 */
export const BUNDLE_FORMAT_V1 = 'de-lab-bundle/1';
export const BUNDLE_FORMAT = 'de-lab-bundle/2';

const imageId = z.string().regex(/^sha256:[0-9a-f]{64}$/);
const checksum = { sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() };

const v1Schema = z.object({
  format: z.literal(BUNDLE_FORMAT_V1),
  createdAt: z.string(),
  images: z.array(z.object({ tag: z.string().min(1), id: imageId })),
  archive: z.object({ file: z.literal('images.tar'), ...checksum }),
});

const v2Schema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  createdAt: z.string(),
  platforms: z.array(platformSchema).min(1),
  images: z.array(z.object({ name: z.string().min(1), tag: z.string().min(1), id: imageId, platform: platformSchema })),
  archives: z.array(z.object({ platform: platformSchema, file: z.string(), ...checksum })),
});

export type BundleManifestV1 = z.infer<typeof v1Schema>;
export type BundleManifest = z.infer<typeof v2Schema>;
export type BundleArchive = BundleManifest['archives'][number];
export type BundleImage = BundleManifest['images'][number];

/** The file of one platform's archive inside a bundle. */
export function archiveFile(platform: Platform): string {
  return `images-${arch(platform)}.tar`;
}

/** The entries of a bundle worth extracting for loading `platforms` (both formats' archives). */
export function wantedEntries(platforms: Platform[]): string[] {
  return ['manifest.json', 'images.tar', ...platforms.map(archiveFile)];
}

/**
 * The manifest read, or the problem with it in words: the format of either version, and in v2
 * each platform's archive under its own name, once, and every image in a listed platform.
 */
export function parseManifest(value: unknown): BundleManifest | BundleManifestV1 | string {
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== BUNDLE_FORMAT && format !== BUNDLE_FORMAT_V1) return `unknown format ${String(format)}`;
  const parsed = (format === BUNDLE_FORMAT ? v2Schema : v1Schema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `manifest.json: ${issue.path.join('.')}: ${issue.message}`;
  }
  if (parsed.data.format === BUNDLE_FORMAT_V1) return parsed.data;
  const manifest = parsed.data;
  for (const platform of manifest.platforms) {
    const archives = manifest.archives.filter((a) => a.platform === platform);
    if (archives.length !== 1 || archives[0]!.file !== archiveFile(platform))
      return `manifest.json: ${platform} needs one archive, ${archiveFile(platform)}`;
  }
  const stray = manifest.images.find((image) => !manifest.platforms.includes(image.platform));
  if (stray) return `manifest.json: ${stray.tag} is for ${stray.platform}, which the bundle does not list`;
  return manifest;
}

/** Refuses loading platforms a bundle does not hold, in one sentence that says what to do instead. */
export function refuseAbsentPlatforms(file: string, manifest: BundleManifest, wanted: Platform[]): void {
  const absent = wanted.filter((platform) => !manifest.platforms.includes(platform));
  if (absent.length === 0) return;
  const held = manifest.platforms.join(', ');
  throw new DeLabError(
    tr({
      en: `${file} holds images for ${held}, not for ${absent.join(', ')}: load those with --platform ${manifest.platforms.join(',')}, or make a bundle with \`de-lab images save --platform ${absent.join(',')}\`.`,
      ko: `${file}에는 ${held}용 이미지만 있고 ${absent.join(', ')}용은 없습니다. --platform ${manifest.platforms.join(',')}로 불러오거나 \`de-lab images save --platform ${absent.join(',')}\`로 번들을 만드세요.`,
    }),
    { code: 'E_BUNDLE', exitCode: EXIT.usage },
  );
}

/** One image a bundle should hold for one platform, and the tag it has on the saving engine. */
export interface SaveItem {
  name: string;
  tag: string;
  platform: Platform;
  engineTag: string;
}

/**
 * Refuses a save when some platform's images are not on the engine (or are made for another
 * platform): one sentence per platform, naming the `images build` that makes them.
 */
export function refuseMissing(missing: SaveItem[], native: Platform | undefined): void {
  if (missing.length === 0) return;
  const platforms = [...new Set(missing.map((item) => item.platform))];
  const lines = platforms.map((platform) => {
    const names = missing.filter((item) => item.platform === platform).map((item) => item.name);
    const command = buildCommand(names, platform, native);
    return tr({
      en: `This engine has no ${platform} image of ${names.join(', ')}: run \`${command}\` first.`,
      ko: `이 엔진에 ${names.join(', ')}의 ${platform} 이미지가 없습니다. 먼저 \`${command}\`를 실행하세요.`,
    });
  });
  throw new DeLabError(lines.join('\n'), { code: 'E_BUNDLE' });
}

/**
 * What a bundle of `recipes` for `platforms` holds, with each image's tag on this engine (whose own
 * platform is `native`). Refuses first, with exit 2, a recipe that cannot be built for a platform.
 */
export function savePlan(
  recipes: Array<PlatformFields & { version: string }>,
  prefix: string,
  platforms: Platform[],
  native: Platform | undefined,
): SaveItem[] {
  for (const platform of platforms) refuseUnsupported(recipes, platform);
  return platforms.flatMap((platform) =>
    recipes.map((recipe) => {
      const tag = imageTag(prefix, recipe);
      return { name: recipe.name, tag, platform, engineTag: variantTag(tag, platform, native) };
    }),
  );
}
