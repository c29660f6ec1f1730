import { z } from 'zod';
import { DeLabError, EXIT } from '../core/errors.js';
import { textSchema } from '../course/schema.js';
import { tr } from '../i18n/lang.js';

/** The platforms a recipe can be built for. */
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const platformSchema = z.enum(PLATFORMS);

/**
 * What a recipe's image.yaml may say about platforms:
 * - `platforms`: those it builds for (all of PLATFORMS when left out), and for each one left out,
 *   why, in one sentence (`notOn`).
 * - `speedOnly`: work done only for speed, which a build under emulation skips by passing the
 *   build argument `arg` (e.g. a class-data-sharing training run).
 */
export const recipePlatformFields = {
  platforms: z.array(platformSchema).min(1).optional(),
  notOn: z.partialRecord(platformSchema, textSchema).optional(),
  speedOnly: z
    .object({ arg: z.string().regex(/^[A-Z][A-Z0-9_]*$/), what: textSchema })
    .strict()
    .optional(),
};

export interface PlatformFields {
  name: string;
  platforms?: Platform[];
  notOn?: Partial<Record<Platform, { en: string; ko: string }>>;
  speedOnly?: { arg: string; what: { en: string; ko: string } };
}

/** The image.yaml's platform fields agree: each platform left out says why, and only those. */
export function platformFieldsProblem(recipe: PlatformFields): string | undefined {
  const supported = recipe.platforms ?? [...PLATFORMS];
  for (const platform of PLATFORMS) {
    const why = recipe.notOn?.[platform];
    if (!supported.includes(platform) && !why) return `platforms leaves out ${platform}: say why in notOn.${platform}`;
    if (supported.includes(platform) && why) return `notOn.${platform} names a platform that platforms lists`;
  }
  return undefined;
}

/** `--platform` as typed: linux/amd64 or linux/arm64 (a bare amd64/arm64 is taken too). */
export function parsePlatform(text: string): Platform {
  const value = text.trim().toLowerCase();
  const platform = PLATFORMS.find((p) => p === value || p === `linux/${value}`);
  if (platform) return platform;
  throw new DeLabError(
    tr({
      en: `de-lab builds images for ${PLATFORMS.join(' and ')}, not "${text}": give one of those to --platform.`,
      ko: `de-lab은 ${PLATFORMS.join(', ')}용 이미지만 빌드합니다("${text}"는 아님). --platform에 그중 하나를 주세요.`,
    }),
    { code: 'E_USAGE', exitCode: EXIT.usage },
  );
}

/** What `docker info` says about the engine that matters here. */
export interface EngineFacts {
  OSType?: string;
  Architecture?: string;
  DriverStatus?: Array<[string, string]>;
}

/** The engine's own platform, from `docker info` (x86_64 → linux/amd64, aarch64 → linux/arm64). */
export function enginePlatform(info: EngineFacts): Platform | undefined {
  const arch = (info.Architecture ?? '').toLowerCase();
  const os = (info.OSType ?? 'linux').toLowerCase();
  if (os !== 'linux') return undefined;
  if (arch === 'x86_64' || arch === 'amd64') return 'linux/amd64';
  if (arch === 'aarch64' || arch === 'arm64') return 'linux/arm64';
  return undefined;
}

/** The engine's own platform, or the refusal of a command that needs it when the engine has none of ours. */
export function requireNative(native: Platform | undefined, info: EngineFacts): Platform {
  if (native) return native;
  throw new DeLabError(
    tr({
      en: `The engine runs on ${info.OSType ?? '?'}/${info.Architecture ?? '?'}, for which de-lab has no images: give --platform ${PLATFORMS.join(' or ')}.`,
      ko: `엔진이 ${info.OSType ?? '?'}/${info.Architecture ?? '?'}에서 동작하는데 de-lab에는 그 플랫폼용 이미지가 없습니다. --platform ${PLATFORMS.join(' 또는 ')}을 주세요.`,
    }),
    { code: 'E_PLATFORM', exitCode: EXIT.usage },
  );
}

/** Whether the engine keeps images in containerd's store, which holds several platforms under one tag. */
export function containerdStore(info: EngineFacts): boolean {
  return (info.DriverStatus ?? []).some(
    ([key, value]) => key === 'driver-type' && value === 'io.containerd.snapshotter.v1',
  );
}

export const arch = (platform: Platform): string => platform.split('/')[1]!;

/**
 * The tag of one platform's variant of an image on an engine whose own platform is `native`: the
 * usual tag for the engine's platform, `<tag>-<arch>` for another, since the classic image store
 * keeps one image per tag (`images build --platform`, `images list`, `images load` all use it).
 */
export function variantTag(tag: string, platform: Platform, native: Platform | undefined): string {
  return platform === native ? tag : `${tag}-${arch(platform)}`;
}

/**
 * The local base image for a platform that is not the engine's own, on the classic image store
 * (one image per tag, so `debian:bookworm-slim` holds the engine's platform only). Made on Debian
 * by `.ci/arm64-base.sh`.
 */
export function foreignBase(platform: Platform): string {
  return `de-lab-base/debian-${arch(platform)}:bookworm-slim`;
}

/** How one recipe is built for one platform on this engine. */
export interface PlatformPlan {
  platform: Platform;
  /** The platform is not the engine's own: every RUN goes through an emulator. */
  emulated: boolean;
  /** The image's tag: the usual one for the engine's platform, `…-<arch>` for another. */
  tag: string;
  /** The base image the recipe builds FROM (a build argument only when it is not the default). */
  base?: string;
  buildArgs: Record<string, string>;
  /** Speed-only work left out under emulation, in words (en or ko). */
  skipped: string[];
}

/**
 * The plan for building `recipe` (whose usual tag is `tag`) for `platform` on an engine whose own
 * platform is `native`. A foreign platform gets its own tag, so it never replaces the image the
 * engine runs, and on the classic store its own base image.
 */
export function planPlatform(
  recipe: PlatformFields,
  tag: string,
  platform: Platform,
  native: Platform | undefined,
  classicStore = true,
): PlatformPlan {
  const emulated = platform !== native;
  const base = emulated && classicStore ? foreignBase(platform) : undefined;
  const buildArgs: Record<string, string> = base ? { DE_LAB_BASE: base } : {};
  const skipped: string[] = [];
  if (emulated && recipe.speedOnly) {
    buildArgs[recipe.speedOnly.arg] = '1';
    skipped.push(
      tr({
        en: `${recipe.speedOnly.what.en}: skipped under emulation (it only makes the image faster)`,
        ko: `${recipe.speedOnly.what.ko}: 에뮬레이션에서는 건너뜀(이미지를 빠르게 할 뿐임)`,
      }),
    );
  }
  return { platform, emulated, tag: variantTag(tag, platform, native), base, buildArgs, skipped };
}

/**
 * Refuses, before any build starts, when a recipe cannot be built for the platform: one sentence
 * per recipe, saying why. Exit 2: nothing ran.
 */
export function refuseUnsupported(recipes: PlatformFields[], platform: Platform): void {
  const refused = recipes.filter((recipe) => !(recipe.platforms ?? PLATFORMS).includes(platform));
  if (refused.length === 0) return;
  const lines = refused.map((recipe) =>
    tr({
      en: `The ${recipe.name} image cannot be built for ${platform}: ${recipe.notOn?.[platform]?.en ?? ''}`,
      ko: `${recipe.name} 이미지는 ${platform}용으로 빌드할 수 없습니다: ${recipe.notOn?.[platform]?.ko ?? ''}`,
    }),
  );
  throw new DeLabError(lines.join('\n'), {
    hint: tr({
      en: `Build the others by name, or for ${PLATFORMS.filter((p) => p !== platform).join(', ')}.`,
      ko: `나머지 이미지를 이름으로 빌드하거나 ${PLATFORMS.filter((p) => p !== platform).join(', ')}용으로 빌드하세요.`,
    }),
    code: 'E_PLATFORM',
    exitCode: EXIT.usage,
  });
}

/**
 * The plan of each recipe for `requested` (the engine's own platform when left out), from what
 * `docker info` says. Refuses first, with exit 2, when a recipe cannot be built for it.
 */
export async function platformPlans(
  docker: { info(): Promise<EngineFacts> },
  recipes: Array<PlatformFields & { version: string }>,
  prefix: string,
  requested?: string,
): Promise<{ platform: Platform; native?: Platform; plans: Map<string, PlatformPlan> }> {
  const wanted = requested === undefined ? undefined : parsePlatform(requested);
  const info = await docker.info();
  const native = enginePlatform(info);
  const platform = wanted ?? requireNative(native, info);
  refuseUnsupported(recipes, platform);
  const plans = new Map(
    recipes.map((recipe) => [
      recipe.name,
      planPlatform(recipe, `${prefix}/${recipe.name}:${recipe.version}`, platform, native, !containerdStore(info)),
    ]),
  );
  return { platform, native, plans };
}
