import type { Command } from 'commander';
import { DeLabError, errorMessage } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { marks, style, table } from '../../ui/style.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

const buildFlags = (options: { caFile?: string; packages?: string }) => ({
  caFile: options.caFile,
  packages: options.packages,
});

function mb(bytes?: number): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1e6)} MB`;
}

async function listImages(ctx: Context): Promise<number> {
  const { loadRecipes, daysUsing } = await import('../../images/recipes.js');
  const { imageState } = await import('../../images/state.js');
  const { listedSources, packageSource } = await import('../../images/packages.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { docker } = await requireEngine();
  const recipes = loadRecipes();
  const days = daysUsing(recipes);
  const images = [];
  for (const recipe of recipes) {
    const state = await imageState(docker, ctx.config.values.imagePrefix, recipe);
    const packages = packageSource(recipe, ctx.config.values.packages);
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
  ctx.emit({ prefix: ctx.config.values.imagePrefix, packages: ctx.config.values.packages || null, images }, (d) =>
    table([
      ['IMAGE', 'TAG', 'STATE', 'SIZE', 'SOURCES', 'DAYS'].map(style.bold),
      ...d.images.map((i) => [
        i.name,
        i.tag,
        i.present ? style.ok('present') : style.warn('missing'),
        mb(i.sizeBytes),
        i.sources.join(', '),
        i.days.join(' ') || '-',
      ]),
    ]),
  );
  return 0;
}

async function buildImages(
  ctx: Context,
  names: string[],
  options: { noCache?: boolean; cache?: boolean },
): Promise<number> {
  const { findRecipes } = await import('../../images/recipes.js');
  const { buildImage } = await import('../../images/build.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { runTasks, seconds } = await import('../../ui/tasks.js');
  await requireEngine();
  const recipes = findRecipes(names);
  const results: Array<{
    name: string;
    tag?: string;
    ok: boolean;
    seconds?: number;
    packages?: string;
    error?: string;
    hint?: string;
  }> = [];
  await runTasks(
    recipes.map((recipe) => ({
      title: `${recipe.name} ${style.dim(`${ctx.config.values.imagePrefix}/${recipe.name}:${recipe.version}`)}`,
      task: async (_c: object, task: { output: string; title: string }) => {
        const started = Date.now();
        try {
          const result = await buildImage(recipe, {
            prefix: ctx.config.values.imagePrefix,
            caFile: ctx.config.values.caFile,
            packages: ctx.config.values.packages,
            noCache: options.cache === false || options.noCache === true,
            onProgress: (event) => {
              if (event.step) task.output = event.step;
              else if (ctx.verbose && event.line) task.output = event.line;
            },
          });
          results.push({
            name: recipe.name,
            tag: result.tag,
            ok: true,
            seconds: result.seconds,
            packages: result.packages,
          });
          task.title = `${recipe.name} ${style.dim(result.tag)} ${style.dim(seconds(started))}`;
        } catch (error) {
          results.push({ name: recipe.name, ok: false, error: errorMessage(error), hint: (error as DeLabError).hint });
          throw error;
        }
      },
    })),
    { json: ctx.json, exitOnError: false },
  ).catch(() => undefined);
  const failed = results.filter((r) => !r.ok);
  ctx.emit({ built: results.filter((r) => r.ok), failed }, (d) =>
    d.built
      .map(
        (r) =>
          `${style.ok(marks.ok)} ${r.tag} (${r.seconds} s${r.packages?.startsWith('folder ') ? `, packages from ${r.packages}` : ''})`,
      )
      .join('\n'),
  );
  // Failures go to stderr, each with its next step.
  if (!ctx.json)
    for (const r of failed)
      ctx.err(`${style.fail(marks.fail)} ${r.error}${r.hint ? `\n  ${style.dim('→')} ${r.hint}` : ''}`);
  return failed.length === 0 ? 0 : 1;
}

async function pullImages(ctx: Context, names: string[]): Promise<number> {
  const { findRecipes, imageTag } = await import('../../images/recipes.js');
  const { pullImage } = await import('../../images/pull.js');
  const { requireEngine } = await import('../../stack/engine.js');
  const { runTasks } = await import('../../ui/tasks.js');
  await requireEngine();
  const tags = findRecipes(names).map((recipe) => imageTag(ctx.config.values.imagePrefix, recipe));
  const failed: Array<{ tag: string; error: string }> = [];
  await runTasks(
    tags.map((tag) => ({
      title: tag,
      task: async (_c: object, task: { output: string }) => {
        try {
          await pullImage(tag, (text) => (task.output = text));
        } catch (error) {
          failed.push({ tag, error: errorMessage(error) });
          throw error;
        }
      },
    })),
    { json: ctx.json, exitOnError: false, concurrent: 2 },
  ).catch(() => undefined);
  ctx.emit({ pulled: tags.filter((tag) => !failed.some((f) => f.tag === tag)), failed }, (d) =>
    [
      ...d.pulled.map((t) => `${style.ok(marks.ok)} ${t}`),
      ...d.failed.map((f) => `${style.fail(marks.fail)} ${f.error}`),
    ].join('\n'),
  );
  return failed.length === 0 ? 0 : 1;
}

async function saveImages(ctx: Context, names: string[], options: { out?: string; day?: string }): Promise<number> {
  const { findRecipes, imageTag, composeImages } = await import('../../images/recipes.js');
  const { saveBundle } = await import('../../images/bundle.js');
  const { requireEngine } = await import('../../stack/engine.js');
  if (!options.out)
    throw new DeLabError(tr({ en: 'Say where to write the bundle.', ko: '번들을 쓸 위치를 알려 주세요.' }), {
      hint: 'de-lab images save --out course-images.tar',
      code: 'E_USAGE',
      exitCode: 2,
    });
  await requireEngine();
  let recipeNames = names;
  if (options.day) {
    const { findLab } = await import('../../course/labs.js');
    recipeNames = [
      ...new Set([...names, ...composeImages(findLab(options.day).composeFile).map((image) => image.name)]),
    ];
  }
  const tags = findRecipes(recipeNames).map((recipe) => imageTag(ctx.config.values.imagePrefix, recipe));
  const started = Date.now();
  const manifest = await saveBundle(tags, options.out);
  ctx.emit(
    { out: options.out, ...manifest, seconds: (Date.now() - started) / 1000 },
    (d) =>
      `${style.ok(marks.ok)} ${tr({ en: `Saved ${d.images.length} image(s), ${mb(d.archive.bytes)}, to ${d.out} (sha256 ${d.archive.sha256.slice(0, 12)}…). Load it with: de-lab images load ${d.out}`, ko: `이미지 ${d.images.length}개(${mb(d.archive.bytes)})를 ${d.out}에 저장했습니다(sha256 ${d.archive.sha256.slice(0, 12)}…). 불러오기: de-lab images load ${d.out}` })}`,
  );
  return 0;
}

async function loadImages(ctx: Context, file: string): Promise<number> {
  const { loadBundle } = await import('../../images/bundle.js');
  const { requireEngine } = await import('../../stack/engine.js');
  await requireEngine();
  const manifest = await loadBundle(file);
  ctx.emit(
    manifest,
    (d) =>
      `${style.ok(marks.ok)} ${tr({ en: `Checksum verified; loaded ${d.images.map((i) => i.tag).join(', ')}.`, ko: `체크섬 확인 완료. 불러온 이미지: ${d.images.map((i) => i.tag).join(', ')}.` })}`,
  );
  return 0;
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
      'Show each image: present or missing, size, sources (a package folder when one stands in for a registry) and the days that use it',
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
      ]),
    )
    .action(
      action(
        (ctx, names: string[], options: { cache?: boolean; caFile?: string; packages?: string }) =>
          buildImages(ctx, names, options),
        (_names, options) => buildFlags(options),
      ),
    );

  images
    .command('pull [names...]')
    .description('Pull images from the configured prefix (imagePrefix), e.g. a course registry')
    .addHelpText('after', example(['de-lab config set imagePrefix registry.example.com/de-lab', 'de-lab images pull']))
    .action(action(pullImages));

  images
    .command('save [names...]')
    .description('Write an offline bundle (one tar with a checksum manifest) for a classroom without internet')
    .option('--out <file>', 'bundle file to write')
    .option('--day <day>', 'every image that day uses')
    .addHelpText(
      'after',
      example(['de-lab images save --out all-images.tar', 'de-lab images save --day day1 --out day1.tar']),
    )
    .action(action(saveImages));

  images
    .command('load <file>')
    .description("Verify a bundle's checksums and load its images into the engine")
    .addHelpText('after', example(['de-lab images load day1.tar']))
    .action(action(loadImages));
}
