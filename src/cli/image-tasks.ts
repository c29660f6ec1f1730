import type Dockerode from 'dockerode';
import { errorMessage, type DeLabError } from '../core/errors.js';
import { buildImage } from '../images/build.js';
import { pullImage } from '../images/pull.js';
import type { PlatformPlan } from '../images/platform.js';
import type { Recipe } from '../images/recipes.js';
import type { SourceCheck } from '../images/sources.js';
import { runTasks, seconds } from '../ui/tasks.js';
import { style } from '../ui/style.js';
import type { Context } from './context.js';

export interface BuildOutcome {
  name: string;
  tag?: string;
  ok: boolean;
  /** The built image's platform (linux/arm64). */
  platform?: string;
  /** Speed-only work left out under emulation, in words. */
  skipped?: string[];
  seconds?: number;
  packages?: string;
  /** The preflight's check of each source (probed, or named in words). */
  sources?: SourceCheck[];
  error?: string;
  hint?: string;
}

/** Builds each recipe as a task line (its current step as output); every build runs, failed or not. */
export async function buildWithTasks(
  ctx: Context,
  docker: Dockerode,
  recipes: Recipe[],
  noCache: boolean,
  plans?: Map<string, PlatformPlan>,
): Promise<BuildOutcome[]> {
  const results: BuildOutcome[] = [];
  await runTasks(
    recipes.map((recipe) => ({
      title: `${recipe.name} ${style.dim(plans?.get(recipe.name)?.tag ?? `${ctx.config.values.imagePrefix}/${recipe.name}:${recipe.version}`)}`,
      task: async (_c: object, task: { output: string; title: string }) => {
        const started = Date.now();
        try {
          const result = await buildImage(recipe, {
            docker,
            prefix: ctx.config.values.imagePrefix,
            caFile: ctx.config.values.caFile,
            packages: ctx.config.values.packages,
            noCache,
            plan: plans?.get(recipe.name),
            onProgress: (event) => {
              if (event.step) task.output = event.step;
              else if (ctx.verbose && event.line) task.output = event.line;
            },
          });
          results.push({
            name: recipe.name,
            tag: result.tag,
            ok: true,
            platform: result.platform,
            skipped: result.skipped,
            seconds: result.seconds,
            packages: result.packages,
            sources: result.sources,
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
  return results;
}

/** Pulls the tags two at a time as task lines; returns those that failed. */
export async function pullWithTasks(
  ctx: Context,
  docker: Dockerode,
  tags: string[],
): Promise<Array<{ tag: string; error: string }>> {
  const failed: Array<{ tag: string; error: string }> = [];
  await runTasks(
    tags.map((tag) => ({
      title: tag,
      task: async (_c: object, task: { output: string }) => {
        try {
          await pullImage(docker, tag, (text) => (task.output = text));
        } catch (error) {
          failed.push({ tag, error: errorMessage(error) });
          throw error;
        }
      },
    })),
    { json: ctx.json, exitOnError: false, concurrent: 2 },
  ).catch(() => undefined);
  return failed;
}
