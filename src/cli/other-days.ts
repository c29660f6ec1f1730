import type Dockerode from 'dockerode';
import { DeLabError } from '../core/errors.js';
import type { Lab } from '../course/labs.js';
import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';
import { conflictingDays } from '../stack/conflicts.js';
import { conflictReason } from '../stack/preflight.js';
import { stopDay } from '../stack/stop.js';
import { confirmOrRefuse } from './confirm.js';
import type { Context } from './context.js';

/** Stops another running day only when it conflicts with `lab`, saying why; other days keep running. */
export async function stopConflictingDays(
  ctx: Context,
  docker: Dockerode,
  lab: Lab,
  yes: boolean,
  info: Promise<{ MemTotal?: number }>,
): Promise<string[]> {
  const { conflicts } = await conflictingDays(docker, lab, info);
  if (conflicts.length === 0) return [];
  const days = conflicts.map((c) => c.day);
  const why = conflicts.map((c) => conflictReason(c, lab.id)).join('; ');
  const go = await confirmOrRefuse(
    ctx,
    yes,
    tr({
      en: `${why}. Stop ${days.join(', ')} (volumes are kept)?`,
      ko: `${why}. ${josa(days.join(', '), '을/를')} 멈출까요(볼륨은 유지)?`,
    }),
    false,
  );
  if (!go) {
    throw new DeLabError(
      tr({ en: `${lab.id} was not started: ${why}.`, ko: `${josa(lab.id, '을/를')} 시작하지 않았습니다: ${why}.` }),
      {
        hint: tr({
          en: `Run \`de-lab stop ${days.join(' && de-lab stop ')}\` first, or \`de-lab start ${lab.id} --yes\` to stop it for you.`,
          ko: `먼저 \`de-lab stop ${days.join(' && de-lab stop ')}\`을 실행하거나, \`de-lab start ${lab.id} --yes\`로 자동으로 멈추세요.`,
        }),
        code: 'E_OTHER_DAY_RUNNING',
      },
    );
  }
  for (const day of days) await stopDay(docker, { labId: day, purge: false });
  if (!ctx.json)
    ctx.err(
      tr({ en: `Stopped ${days.join(', ')} (${why}).`, ko: `${josa(days.join(', '), '을/를')} 멈췄습니다(${why}).` }),
    );
  return days;
}
