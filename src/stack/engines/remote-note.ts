import type { Lab } from '../../course/labs.js';
import { onThisMachine } from './disk.js';

/** The command that makes a stack's ports on an engine's machine reachable here as localhost:N. */
export function tunnelCommand(host: string, ports: number[]): string {
  const url = new URL(host);
  const forwards = ports.map((p) => `-L ${p}:127.0.0.1:${p}`).join(' ');
  const port = url.protocol === 'ssh:' && url.port ? ` -p ${url.port}` : '';
  const user = url.username ? `${url.username}@` : url.protocol === 'ssh:' ? '' : '<user>@';
  return `ssh -N${port} ${forwards} ${user}${url.hostname}`;
}

/**
 * On an engine of another machine, the stack's ports are published on that machine's 127.0.0.1:
 * the addresses de-lab prints work here once a tunnel carries them. Undefined on this machine.
 */
export function remoteNote(
  host: string,
  lab: Pick<Lab, 'id' | 'ports'>,
): { host: string; tunnel?: string; text: { en: string; ko: string } } | undefined {
  if (onThisMachine(host)) return undefined;
  const where = {
    en: `${lab.id} runs on the engine at ${host}, on a copy of your day folder that run and check carry there.`,
    ko: `${lab.id}는 ${host}의 엔진에서 돌며, run과 check가 옮기는 날짜 폴더 사본을 씁니다.`,
  };
  if (lab.ports.length === 0) return { host, text: where };
  const tunnel = tunnelCommand(
    host,
    lab.ports.map((p) => p.port),
  );
  return {
    host,
    tunnel,
    text: {
      en: `${lab.id} runs on the engine at ${host}, on a copy of your day folder that run and check carry there; its ports are that machine's. To open the addresses above here, keep this running in another terminal: ${tunnel}`,
      ko: `${lab.id}는 ${host}의 엔진에서 돌며, run과 check가 옮기는 날짜 폴더 사본을 씁니다. 포트는 그 컴퓨터의 것입니다. 위 주소를 여기서 열려면 다른 터미널에서 이것을 켜 두세요: ${tunnel}`,
    },
  };
}
