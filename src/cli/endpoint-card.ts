import { join } from 'node:path';
import type { Lab } from '../course/labs.js';
import { josa } from '../i18n/josa.js';
import { tr } from '../i18n/lang.js';
import type { StartResult } from '../stack/start.js';
import { style, table } from '../ui/style.js';

/** What `start` prints when a day is up: its addresses in aligned columns, how to reach it, the next step. */
export function endpointCard(lab: Lab, result: StartResult, workspace?: { root: string; found: boolean }): string {
  const lines: string[] = [];
  lines.push(style.bold(tr({ en: `${lab.id} is ready: ${lab.title.en}`, ko: `${lab.id} 준비 완료: ${lab.title.ko}` })));
  // One table for both blocks, so a long URL moves every column instead of breaking one row.
  const rows: string[][] = lab.ports.map((port) => [
    port.url ? port.url.replace('{port}', String(port.port)) : `localhost:${port.port}`,
    port.service,
    tr(port.purpose),
  ]);
  const internal = lab.services.flatMap((service) => (service.internal ? [[service.internal, service.name, '']] : []));
  const aligned = table([...rows, ...internal]).split('\n');
  const render = (line: string, address: string) => `  ${style.code(address)}${line.slice(address.length)}`;
  rows.forEach((row, i) => lines.push(render(aligned[i]!, row[0]!)));
  if (lab.services.length > 0) {
    lines.push(
      style.dim(
        tr({ en: "  From another container on the day's network:", ko: '  같은 네트워크의 다른 컨테이너에서:' }),
      ),
    );
    internal.forEach((row, i) => lines.push(render(aligned[rows.length + i]!, row[0]!)));
  }
  lines.push(
    style.dim(
      tr({
        en: `  Shell: de-lab shell ${lab.id} <service>   Logs: de-lab logs ${lab.id}   Stop: de-lab stop ${lab.id}`,
        ko: `  셸: de-lab shell ${lab.id} <서비스>   로그: de-lab logs ${lab.id}   중지: de-lab stop ${lab.id}`,
      }),
    ),
  );
  if (workspace)
    lines.push(
      style.dim(
        tr({
          en: `  Your ${lab.id} folder in the stack: ${join(workspace.root, lab.id)}`,
          ko: `  스택에 연결된 ${lab.id} 폴더: ${join(workspace.root, lab.id)}`,
        }),
      ),
    );
  const nextCommand =
    workspace && !workspace.found
      ? `de-lab init ${workspace.root} && cd ${workspace.root} && de-lab exercise ${lab.id}`
      : `de-lab exercise ${lab.id}`;
  lines.push(`${tr({ en: 'Next', ko: '다음' })}: ${style.code(nextCommand)}`);
  if (lab.next) lines.push(style.dim(`${tr({ en: 'After this day', ko: '이 날 다음에는' })}: ${tr(lab.next)}`));
  if (result.alreadyRunning)
    lines.unshift(
      style.ok(
        tr({
          en: `${lab.id} was already running and healthy; nothing to do.`,
          ko: `${josa(lab.id, '은/는')} 이미 정상 실행 중이라 할 일이 없습니다.`,
        }),
      ),
    );
  return lines.join('\n');
}
