import { josa } from '../../i18n/josa.js';
import type Dockerode from 'dockerode';
import { DeLabError, EXIT } from '../../core/errors.js';
import type { Lab } from '../../course/labs.js';
import { tr } from '../../i18n/lang.js';
import { seesThisDisk } from '../../stack/engines/disk.js';
import { useMirror } from '../../stack/engines/mirror.js';
import { dayImageRefs, syncImages, type ImageTransfer } from '../../stack/engines/images.js';
import { resolveEngines, type PoolEngine } from '../../stack/engines/resolve.js';
import { EngineSpecError, parseEngines } from '../../config/engines.js';
import { DEFAULT_LIMITS, type Limits } from '../../stack/sandbox/containers.js';

const MiB = 1024 * 1024;

export interface PreparedEngine extends PoolEngine {
  /** The day's images on this engine: carried from the default engine, or already the same. */
  images: ImageTransfer[];
  imageSeconds: number;
}

function badList(error: EngineSpecError): DeLabError {
  return new DeLabError(
    tr({
      en: `--engines is not understood: ${error.message}.`,
      ko: `--engines를 해석할 수 없습니다: ${error.message}.`,
    }),
    {
      hint: tr({
        en: 'Write it as a comma-separated list like default=2,lab-vm,ssh://ta@grader (see `de-lab grade --help`).',
        ko: 'default=2,lab-vm,ssh://ta@grader처럼 쉼표로 구분해 쓰세요(`de-lab grade --help` 참고).',
      }),
      code: 'E_ENGINES',
      exitCode: EXIT.usage,
    },
  );
}

function transferFailed(name: string, error: unknown): DeLabError {
  return new DeLabError(
    tr({
      en: `The day's images could not be carried to engine ${name}: ${(error as Error).message}.`,
      ko: `오늘의 이미지를 엔진 ${josa(name, '으로/로')} 옮기지 못했습니다: ${(error as Error).message}.`,
    }),
    {
      hint: tr({
        en: `Check the engine's free disk space (\`docker system df\` there), or drop ${name} from --engines.`,
        ko: `그 엔진의 남은 디스크 공간을 확인하거나(\`docker system df\`) --engines에서 ${josa(name, '을/를')} 빼세요.`,
      }),
      code: 'E_ENGINES',
    },
  );
}

/**
 * The engines of `--engines`, each checked (reachable, Compose v2, this machine's folders), its
 * slots from its memory for the day unless given, holding the day's images as `source` does.
 */
export async function prepareEngines(input: {
  list: string;
  /** The engine de-lab uses anyway: `default` in the list, and where the images come from. */
  source: Dockerode;
  sourceHost: string;
  lab: Lab;
  prefix: string;
  limits?: Partial<Limits>;
}): Promise<PreparedEngine[]> {
  let specs;
  try {
    specs = parseEngines(input.list);
  } catch (error) {
    if (error instanceof EngineSpecError) throw badList(error);
    throw error;
  }
  const perLearnerBytes = input.lab.memoryMiB * MiB + (input.limits?.memoryBytes ?? DEFAULT_LIMITS.memoryBytes);
  const engines = await resolveEngines(specs, perLearnerBytes, { docker: input.source, host: input.sourceHost });
  const refs = dayImageRefs(input.lab, input.prefix);
  return Promise.all(
    engines.map(async (engine): Promise<PreparedEngine> => {
      if (engine.docker === input.source) return { ...engine, images: [], imageSeconds: 0 };
      const started = Date.now();
      const images = await syncImages(input.source, engine.docker, refs).catch((error) => {
        throw transferFailed(engine.name, error);
      });
      const probe = images.find((i) => i.action !== 'absent')?.ref;
      // An engine with a disk of its own grades on a copy of the stacks' folders (engines/mirror.ts).
      if (probe && !(await seesThisDisk(engine.docker, probe))) useMirror(engine.docker, engine.host);
      return { ...engine, images, imageSeconds: (Date.now() - started) / 1000 };
    }),
  );
}
