import type { Command } from 'commander';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import type { EngineFacts } from '../../images/platform.js';
import { loadedLine, savedLine } from '../render/images.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

/** The engine side of `images save` and `images load`, loaded when one runs. */
async function bundleModules() {
  const [recipes, format, save, load, engine, labs, platform, variants] = await Promise.all([
    import('../../images/recipes.js'),
    import('../../images/bundle-format.js'),
    import('../../images/bundle-save.js'),
    import('../../images/bundle-load.js'),
    import('../../stack/engine.js'),
    import('../../course/labs.js'),
    import('../../images/platform.js'),
    import('../../images/variants.js'),
  ]);
  return { ...recipes, ...format, ...save, ...load, ...engine, ...labs, ...platform, ...variants };
}

async function saveImages(
  ctx: Context,
  names: string[],
  options: { out?: string; day?: string; platform?: string },
): Promise<number> {
  const m = await bundleModules();
  if (!options.out)
    throw new DeLabError(tr({ en: 'Say where to write the bundle.', ko: '번들을 쓸 위치를 알려 주세요.' }), {
      hint: 'de-lab images save --out course-images.tar',
      code: 'E_USAGE',
      exitCode: EXIT.usage,
    });
  const requested = options.platform === undefined ? undefined : m.parsePlatforms(options.platform);
  const { docker } = await m.requireEngine();
  const info = (await docker.info()) as EngineFacts;
  const native = m.enginePlatform(info);
  const platforms = requested ?? [m.requireNative(native, info)];
  const dayImages = options.day ? m.composeImages(m.findLab(options.day).composeFile) : [];
  const recipeNames = options.day ? [...new Set([...names, ...dayImages.map((image) => image.name)])] : names;
  const items = m.savePlan(m.findRecipes(recipeNames), ctx.config.values.imagePrefix, platforms, native);
  const started = Date.now();
  const manifest = await m.saveBundle(docker, items, options.out, native);
  ctx.emit({ out: options.out, ...manifest, seconds: (Date.now() - started) / 1000 }, savedLine);
  return 0;
}

async function loadImages(ctx: Context, file: string, options: { platform?: string }): Promise<number> {
  const m = await bundleModules();
  const requested = options.platform === undefined ? undefined : m.parsePlatforms(options.platform);
  const { docker } = await m.requireEngine();
  const loaded = await m.loadBundle(docker, file, requested);
  ctx.emit(loaded, loadedLine);
  return 0;
}

const platformsHelp = "platforms, comma-separated: linux/amd64, linux/arm64 or both (default: the engine's own)";

/** `images save` and `images load`: offline bundles, one archive per platform. */
export function registerBundle(images: Command): void {
  images
    .command('save [names...]')
    .description(
      'Write an offline bundle (one tar with a checksum manifest) for a classroom without internet, for one platform or several',
    )
    .option('--out <file>', 'bundle file to write')
    .option('--day <day>', 'every image that day uses')
    .option('--platform <platforms>', platformsHelp)
    .addHelpText(
      'after',
      example([
        'de-lab images save --out all-images.tar',
        'de-lab images save --day day1 --out day1.tar',
        'de-lab images save tools mariadb --platform linux/amd64,linux/arm64 --out day1-both.tar',
      ]),
    )
    .action(action(saveImages));

  images
    .command('load <file>')
    .description(
      "Verify a bundle's checksums and load its images for the engine's platform (or --platform), tagged for this engine",
    )
    .option('--platform <platforms>', platformsHelp)
    .addHelpText(
      'after',
      example(['de-lab images load day1.tar', 'de-lab images load day1-both.tar --platform linux/arm64 --json']),
    )
    .action(action(loadImages));
}
