import type { Command } from 'commander';
import type Dockerode from 'dockerode';
import type { Lab } from '../../course/labs.js';
import type { GradeResults } from '../../grading/grade/model.js';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import type { Context } from '../context.js';

export interface EnginesOptions {
  engines?: string;
}

export function addEnginesOption(command: Command): Command {
  return command.option(
    '--engines <list>',
    'grade on a pool of Docker engines (replaces --parallel): context names, default, or unix:// tcp:// ssh:// addresses, each with optional =slots (default: what its memory allows); config key engines',
  );
}

const GiB = 2 ** 30;

/**
 * The engines of --engines (or config `engines`), checked and holding the day's images, with one
 * line each on stderr; undefined when the class is graded on the one engine de-lab uses.
 */
export async function enginesFor(
  ctx: Context,
  options: EnginesOptions,
  lab: Lab,
  { docker, host }: { docker: Dockerode; host: string },
) {
  const list = options.engines ?? ctx.config.values.engines;
  if (!list) return undefined;
  const { prepareEngines } = await import('../../grading/grade/engine-pool.js');
  const engines = await prepareEngines({
    list,
    source: docker,
    sourceHost: host,
    lab,
    prefix: ctx.config.values.imagePrefix,
  });
  if (!ctx.json)
    for (const e of engines) {
      const carried = e.images.filter((i) => i.action === 'carried').length;
      const images =
        e.docker === docker
          ? tr({ en: 'the images are here', ko: '이미지가 여기 있음' })
          : tr({
              en: `${carried} of ${e.images.length} images carried in ${e.imageSeconds.toFixed(1)} s`,
              ko: `이미지 ${e.images.length}개 중 ${carried}개를 ${e.imageSeconds.toFixed(1)}초에 옮김`,
            });
      ctx.err(
        style.dim(
          tr({
            en: `engine ${e.name} (${e.host}): ${e.slots} slots, ${(e.memoryBytes / GiB).toFixed(1)} GiB; ${images}`,
            ko: `엔진 ${e.name}(${e.host}): 슬롯 ${e.slots}개, ${(e.memoryBytes / GiB).toFixed(1)} GiB; ${images}`,
          }),
        ),
      );
    }
  return engines.map((e) => ({
    name: e.name,
    host: e.host,
    docker: e.docker,
    slots: e.slots,
    images: {
      carried: e.images.filter((i) => i.action === 'carried').length,
      same: e.images.filter((i) => i.action === 'same').length,
      seconds: e.imageSeconds,
    },
  }));
}

/** Lines for the end of a run on several engines: who graded how many, and what a lost engine gave back. */
export function enginesText(results: GradeResults, ungraded: string[]): string {
  if (!results.engines) return '';
  const lines = results.engines.map((e) =>
    e.lost
      ? style.warn(
          tr({
            en: `engine ${e.name}: lost (${e.lost}); ${e.learners} graded on it, ${e.gaveBack?.join(', ') || 'nobody'} given back to the queue`,
            ko: `엔진 ${e.name}: 끊김(${e.lost}); ${e.learners}명 채점, 대기열로 돌려보냄: ${e.gaveBack?.join(', ') || '없음'}`,
          }),
        )
      : tr({ en: `engine ${e.name}: ${e.learners} graded`, ko: `엔진 ${e.name}: ${e.learners}명 채점` }),
  );
  if (ungraded.length > 0)
    lines.push(
      style.fail(
        tr({
          en: `Not graded, every engine was lost: ${ungraded.join(', ')}; bring an engine back and run again with --resume.`,
          ko: `모든 엔진이 끊겨 채점하지 못함: ${ungraded.join(', ')}. 엔진을 되살린 뒤 --resume으로 다시 실행하세요.`,
        }),
      ),
    );
  return '\n' + lines.join('\n') + '\n';
}
