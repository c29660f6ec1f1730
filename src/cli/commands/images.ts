import type { Command } from 'commander';
import { builtLines, failedLine, imageTable, pulledLines } from '../render/images.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';
import { registerBundle } from './images-bundle.js';

const buildFlags = (options: { caFile?: string; packages?: string }) => ({
  caFile: options.caFile,
  packages: options.packages,
});

/** The engine side of the image commands, loaded when one runs (the one lazy seam: `--help` stays fast). */
async function engineModules() {
  const [recipes, overview, engine, tasks, platform] = await Promise.all([
    import('../../images/recipes.js'),
    import('../../images/overview.js'),
    import('../../stack/engine.js'),
    import('../image-tasks.js'),
    import('../../images/platform.js'),
  ]);
  return {
    findRecipes: recipes.findRecipes,
    imageTag: recipes.imageTag,
    imageOverview: overview.imageOverview,
    requireEngine: engine.requireEngine,
    buildWithTasks: tasks.buildWithTasks,
    pullWithTasks: tasks.pullWithTasks,
    platformPlans: platform.platformPlans,
  };
}

async function listImages(ctx: Context): Promise<number> {
  const engine = await engineModules();
  const { docker } = await engine.requireEngine();
  const { imagePrefix, packages } = ctx.config.values;
  const { platform, images } = await engine.imageOverview(docker, imagePrefix, packages);
  ctx.emit({ prefix: imagePrefix, packages: packages || null, platform, images }, (d) => imageTable(d.images));
  return 0;
}

async function buildImages(
  ctx: Context,
  names: string[],
  options: { noCache?: boolean; cache?: boolean; platform?: string },
): Promise<number> {
  const engine = await engineModules();
  const { docker } = await engine.requireEngine();
  const recipes = engine.findRecipes(names);
  // Refuses (exit 2) before any build when a recipe cannot be built for the platform.
  const { platform, plans } = await engine.platformPlans(
    docker,
    recipes,
    ctx.config.values.imagePrefix,
    options.platform,
  );
  const results = await engine.buildWithTasks(
    ctx,
    docker,
    recipes,
    options.cache === false || options.noCache === true,
    plans,
  );
  const failed = results.filter((r) => !r.ok);
  ctx.emit({ platform, built: results.filter((r) => r.ok), failed }, (d) => builtLines(d.built));
  // Failures go to stderr, each with its next step.
  if (!ctx.json) for (const r of failed) ctx.err(failedLine(r));
  return failed.length === 0 ? 0 : 1;
}

async function pullImages(ctx: Context, names: string[]): Promise<number> {
  const engine = await engineModules();
  const { docker } = await engine.requireEngine();
  const tags = engine.findRecipes(names).map((recipe) => engine.imageTag(ctx.config.values.imagePrefix, recipe));
  const failed = await engine.pullWithTasks(ctx, docker, tags);
  ctx.emit({ pulled: tags.filter((tag) => !failed.some((f) => f.tag === tag)), failed }, pulledLines);
  return failed.length === 0 ? 0 : 1;
}

export function register(program: Command): void {
  const images = program
    .command('images')
    .description("Build, pull, list and bundle the course's Docker images (recipes in labs/images)")
    .addHelpText(
      'after',
      example([
        'de-lab images list',
        'de-lab images build kafka spark',
        'de-lab images save --day 4 --out day4-images.tar',
        'de-lab images load day4-images.tar',
      ]),
    );

  images
    .command('list')
    .description(
      "Show each image for the engine's platform and every other platform's variant present: state, size, the platforms its recipe builds for, sources (a package folder when one stands in for a registry) and the days that use it",
    )
    .addHelpText(
      'after',
      example(['de-lab images list --json', 'DE_LAB_PACKAGES=/srv/de-lab-vendor de-lab images list']),
    )
    .action(action(listImages));

  images
    .command('build [names...]')
    .description('Build images from their recipes (all when no name is given), reusing the layer cache')
    .option('--no-cache', 'rebuild every layer')
    .option(
      '--platform <platform>',
      "linux/amd64 or linux/arm64 (default: the engine's own); another platform is built under emulation and tagged <version>-<arch>",
    )
    .option('--ca-file <file>', "extra CA bundle (PEM) to trust inside the build, e.g. a corporate proxy's")
    .option(
      '--packages <dir>',
      'offline package folder (gems/, npm/) to install from instead of the gem and npm registries',
    )
    .addHelpText(
      'after',
      example([
        'de-lab images build mariadb',
        'de-lab images build --ca-file /etc/ssl/corp-ca.pem',
        'de-lab images build fluentd turnilo --packages /srv/de-lab-vendor',
        'de-lab images build druid --no-cache',
        'de-lab images build tools mariadb --platform linux/arm64 --json',
      ]),
    )
    .action(
      action(
        (ctx, names: string[], options: { cache?: boolean; caFile?: string; packages?: string; platform?: string }) =>
          buildImages(ctx, names, options),
        (_names, options) => buildFlags(options),
      ),
    );

  images
    .command('pull [names...]')
    .description('Pull images from the configured prefix (imagePrefix), e.g. a course registry')
    .addHelpText('after', example(['de-lab config set imagePrefix registry.example.com/de-lab', 'de-lab images pull']))
    .action(action(pullImages));

  registerBundle(images);
}
