import { tr } from '../i18n/lang.js';
import type Dockerode from 'dockerode';
import { ensureDayImages, type ImageWork } from '../images/ensure.js';
import { style } from '../ui/style.js';
import type { Context } from './context.js';

/** Builds one image after the other with one line each (grade, selftest: a log, not a live view). */
export function buildEach(ctx: Context, day: string) {
  return async (work: ImageWork[]): Promise<void> => {
    for (const w of work) {
      if (!ctx.json)
        ctx.err(style.dim(tr({ en: `building ${w.image.tag} for ${day}…`, ko: `${day}용 ${w.image.tag} 빌드 중…` })));
      await w.run(() => undefined);
    }
  };
}

/** A day's images for grade and selftest: built from labs/images when missing, never pulled, one line each. */
export function ensureImagesForGrading(ctx: Context, docker: Dockerode, lab: { id: string; composeFile: string }) {
  return ensureDayImages(
    {
      docker,
      composeFile: lab.composeFile,
      prefix: ctx.config.values.imagePrefix,
      caFile: ctx.config.values.caFile,
      packages: ctx.config.values.packages,
      tryPull: false,
    },
    { builds: buildEach(ctx, lab.id) },
  );
}
