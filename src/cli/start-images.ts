import type Dockerode from 'dockerode';
import type { Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { ensureDayImages, shouldTryPull, type ImageWork } from '../images/ensure.js';
import { runTasks } from '../ui/tasks.js';
import type { Context } from './context.js';

/** Pulls or builds the images `lab` lacks, one task line each; start builds without asking. */
export async function ensureStartImages(ctx: Context, docker: Dockerode, lab: Lab): Promise<void> {
  const tasks = (verb: { en: string; ko: string }) => (work: ImageWork[]) =>
    runTasks(
      work.map((w) => ({
        title: `${tr(verb)} ${w.image.tag}`,
        task: async (_c: object, task: { output: string }) => w.run((text) => (task.output = text)),
      })),
      { json: ctx.json, exitOnError: verb.en !== 'pull' },
    ).then(() => undefined);
  await ensureDayImages(
    {
      docker,
      composeFile: lab.composeFile,
      prefix: ctx.config.values.imagePrefix,
      caFile: ctx.config.values.caFile,
      packages: ctx.config.values.packages,
      tryPull: shouldTryPull(ctx.config.origins.imagePrefix),
    },
    {
      pulls: tasks({ en: 'pull', ko: '받기' }),
      builds: (work) => {
        // The learner asked to start the day, and the README says start builds what is missing: no question.
        if (!ctx.json)
          ctx.err(
            tr({
              en: `Building ${work.map((w) => w.image.recipe.name).join(', ')} for ${lab.id} (several minutes the first time; later starts take seconds).`,
              ko: `${lab.id}에 필요한 ${work.map((w) => w.image.recipe.name).join(', ')} 이미지를 빌드합니다(처음에는 몇 분, 이후 시작은 몇 초).`,
            }),
          );
        return tasks({ en: 'build', ko: '빌드' })(work);
      },
    },
  );
}
