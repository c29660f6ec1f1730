import type { Command } from 'commander';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { marks, style } from '../../ui/style.js';
import { confirmOrRefuse } from '../confirm.js';
import { action, type Context } from '../context.js';
import { example } from '../help.js';

/** What --purge deletes: the stacks' volumes. Checkpoints and outputs live in the workspace, which it keeps. */
export function purgeQuestion(days: string): string {
  return tr({
    en: `Delete the volumes of ${days} (databases, Kafka topics)? Everything in your workspace stays: exercise files, outputs and checkpoints.`,
    ko: `${days}의 볼륨(DB, Kafka 토픽)을 지울까요? 작업 폴더의 내용(실습 파일, 출력, 체크포인트)은 그대로 남습니다.`,
  });
}

async function stop(
  ctx: Context,
  day: string | undefined,
  options: { purge?: boolean; yes?: boolean },
): Promise<number> {
  const { requireEngine } = await import('../../stack/engine.js');
  const { stopProject, existingDayProjects } = await import('../../stack/stop.js');
  const { docker } = await requireEngine();
  const purge = options.purge === true;
  let projects: string[];
  if (day) {
    const { findLab } = await import('../../course/labs.js');
    projects = [`de-lab-${findLab(day).id}`];
  } else {
    projects = await existingDayProjects(docker, purge);
  }
  if (purge) {
    const days = projects.map((p) => p.replace('de-lab-', '')).join(', ') || '-';
    const go = await confirmOrRefuse(ctx, options.yes === true, purgeQuestion(days), false);
    if (!go) {
      throw new DeLabError(
        tr({
          en: 'Nothing was deleted: --purge removes data, so it needs a confirmation.',
          ko: '아무것도 지우지 않았습니다. --purge는 데이터를 지우므로 확인이 필요합니다.',
        }),
        {
          hint: tr({ en: 'Answer yes at the prompt, or pass --yes.', ko: '질문에 yes로 답하거나 --yes를 주세요.' }),
          code: 'E_CANCELLED',
          exitCode: EXIT.failed,
        },
      );
    }
  }
  const results = [];
  for (const project of projects) results.push(await stopProject(docker, project, purge));
  ctx.emit({ stopped: results, purge }, (d) =>
    d.stopped.length === 0
      ? tr({ en: 'No de-lab stack is running.', ko: '실행 중인 de-lab 스택이 없습니다.' })
      : d.stopped
          .map(
            (r) =>
              `${style.ok(marks.ok)} ${tr({ en: `Stopped ${r.project.replace('de-lab-', '')} (${r.containers} containers)`, ko: `${r.project.replace('de-lab-', '')} 중지(컨테이너 ${r.containers}개)` })}${purge ? tr({ en: `, removed ${r.volumesRemoved.length} volume(s)`, ko: `, 볼륨 ${r.volumesRemoved.length}개 삭제` }) : tr({ en: '; volumes kept', ko: '. 볼륨은 유지' })}.`,
          )
          .join('\n'),
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('stop [day]')
    .description("Stop a day's stack (every running day when none is given); volumes are kept unless --purge")
    .option('--purge', "also delete the stack's volumes (asks first)")
    .option('-y, --yes', 'do not ask')
    .addHelpText('after', example(['de-lab stop day4', 'de-lab stop', 'de-lab stop day1 --purge --yes']))
    .action(action(stop));
}
