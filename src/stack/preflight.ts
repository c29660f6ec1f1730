import { josa } from '../i18n/josa.js';
import type Dockerode from 'dockerode';
import { execa } from 'execa';
import { DeLabError } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import type { Lab } from '../course/labs.js';
import { composeServices } from './compose.js';
import { isPortFree, portHolder } from './ports.js';
import { PROJECT_LABEL, SERVICE_LABEL } from './project.js';

const MiB = 1024 * 1024;

/** Whether `docker compose version` answers with v2, for the engine the environment names. */
export async function composeV2Works(env?: NodeJS.ProcessEnv): Promise<boolean> {
  const result = await execa('docker', ['compose', 'version', '--short'], {
    ...(env ? { env } : {}),
    reject: false,
    timeout: 15_000,
  }).catch(() => ({ exitCode: 1, stdout: '' }));
  return result.exitCode === 0 && /^v?2\./.test(String(result.stdout).trim());
}

export async function requireCompose(): Promise<void> {
  if (!(await composeV2Works())) {
    throw new DeLabError(
      tr({
        en: 'Docker Compose v2 is missing (`docker compose version` failed).',
        ko: 'Docker Compose v2가 없습니다(`docker compose version` 실패).',
      }),
      {
        hint: tr({
          en: 'Install the Compose v2 plugin or update Docker Desktop; `de-lab doctor` explains.',
          ko: 'Compose v2 플러그인을 설치하거나 Docker Desktop을 업데이트하세요. `de-lab doctor`가 설명합니다.',
        }),
        code: 'E_COMPOSE_MISSING',
      },
    );
  }
}

/** Who holds a host port (one of the engine's containers, or a process on this machine) and how to free it. */
export async function describePortHolder(docker: Dockerode, port: number): Promise<{ holder: string; fix: string }> {
  const containers = await docker.listContainers();
  const holder = containers.find((c) => c.Ports?.some((p) => p.PublicPort === port));
  if (holder) {
    const project = holder.Labels[PROJECT_LABEL];
    const name = holder.Names[0]?.replace(/^\//, '') ?? holder.Id.slice(0, 12);
    if (project?.startsWith('de-lab-')) {
      const day = project.replace('de-lab-', '');
      return {
        holder: tr({ en: `container ${name} of ${day}`, ko: `${day}의 컨테이너 ${name}` }),
        fix: tr({ en: `stop it with \`de-lab stop ${day}\``, ko: `\`de-lab stop ${day}\`로 멈추세요` }),
      };
    }
    return {
      holder: tr({ en: `container ${name}`, ko: `컨테이너 ${name}` }),
      fix: tr({ en: `stop it with \`docker stop ${name}\``, ko: `\`docker stop ${name}\`로 멈추세요` }),
    };
  }
  const process = await portHolder(port);
  return process
    ? {
        holder: process,
        fix: tr({ en: 'stop that program or change its port', ko: '그 프로그램을 멈추거나 포트를 바꾸세요' }),
      }
    : {
        holder: tr({ en: 'another program', ko: '다른 프로그램' }),
        fix: tr({ en: 'find it with `ss -ltnp` or `lsof -i`', ko: '`ss -ltnp` 또는 `lsof -i`로 찾으세요' }),
      };
}

/** The busy-port sentence: who holds it, then what to do, in a word order that reads in each language. */
export function portTakenMessage(labId: string, port: number, who: { holder: string; fix: string }): string {
  return tr({
    en: `Port ${port}, which ${labId} needs, is in use by ${who.holder} (${who.fix}).`,
    ko: `${labId}에 필요한 포트 ${josa(port, '을/를')} ${who.holder}에서 쓰고 있습니다. ${who.fix}.`,
  });
}

/** Every host port the day publishes is free, or already held by this same project (a restart). */
export async function checkPorts(docker: Dockerode, lab: Lab, project: string): Promise<void> {
  const own = await docker.listContainers({ filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  const ownPorts = new Set(own.flatMap((c) => (c.Ports ?? []).map((p) => p.PublicPort)));
  const ports = [...new Set(composeServices(lab.composeFile).flatMap((service) => service.ports))];
  for (const port of ports) {
    if (ownPorts.has(port)) continue;
    if (!(await isPortFree(port))) {
      throw new DeLabError(portTakenMessage(lab.id, port, await describePortHolder(docker, port)), {
        hint: tr({
          en: 'Free the port, then run the same command again; nothing was created.',
          ko: '포트를 비운 뒤 같은 명령을 다시 실행하세요. 아무것도 만들지 않았습니다.',
        }),
        code: 'E_PORT_TAKEN',
      });
    }
  }
}

/** The engine's memory fits the day's budget. `info` may be a docker.info() already under way (start shares one). */
export async function checkMemory(
  docker: Dockerode,
  lab: Lab,
  info: Promise<{ MemTotal?: number }> = docker.info(),
): Promise<void> {
  const { MemTotal } = await info;
  const total = Number(MemTotal ?? 0);
  if (total > 0 && total < lab.memoryMiB * MiB) {
    throw new DeLabError(
      tr({
        en: `${lab.id} needs about ${lab.memoryMiB} MiB of memory but the engine has ${Math.round(total / MiB)} MiB.`,
        ko: `${lab.id}에는 메모리 약 ${lab.memoryMiB} MiB가 필요하지만 엔진에는 ${Math.round(total / MiB)} MiB뿐입니다.`,
      }),
      {
        hint: tr({
          en: 'Give the engine more memory (Docker Desktop → Settings → Resources), then start again.',
          ko: '엔진 메모리를 늘린 뒤(Docker Desktop → Settings → Resources) 다시 시작하세요.',
        }),
        code: 'E_MEMORY',
      },
    );
  }
}

export { SERVICE_LABEL };

/** Another running day, as far as a conflict with the day being started goes. */
export interface RunningDay {
  id: string;
  /** Host ports its containers publish now. */
  ports: number[];
  /** Its measured memory budget (lab.yaml), 0 when unknown. */
  memoryMiB: number;
}

export interface DayConflict {
  day: string;
  ports: number[];
  /** True when this day's budget is needed to fit the new day into the engine's memory. */
  memory: boolean;
}

/**
 * Which running days really conflict with starting `lab`: those publishing a host port the lab
 * needs, and, when the budgets of everything together exceed the engine's memory, as many of the
 * others (largest first) as it takes to fit. Days that conflict in nothing keep running.
 */
export function dayConflicts(
  lab: { id: string; memoryMiB: number },
  labPorts: number[],
  running: RunningDay[],
  engineMemoryBytes: number,
): DayConflict[] {
  const others = running.filter((day) => day.id !== lab.id);
  const conflicts = new Map<string, DayConflict>();
  for (const day of others) {
    const shared = day.ports.filter((port) => labPorts.includes(port));
    if (shared.length > 0) conflicts.set(day.id, { day: day.id, ports: shared, memory: false });
  }
  if (engineMemoryBytes > 0) {
    const budget = Math.floor(engineMemoryBytes / MiB);
    let used =
      lab.memoryMiB + others.filter((day) => !conflicts.has(day.id)).reduce((sum, day) => sum + day.memoryMiB, 0);
    for (const day of [...others].filter((d) => !conflicts.has(d.id)).sort((a, b) => b.memoryMiB - a.memoryMiB)) {
      if (used <= budget) break;
      conflicts.set(day.id, { day: day.id, ports: [], memory: true });
      used -= day.memoryMiB;
    }
  }
  return [...conflicts.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** "day1 (port 13306)", "day4 (memory: …)": why a running day has to stop. */
export function conflictReason(conflict: DayConflict, labId: string): string {
  return conflict.ports.length > 0
    ? tr({
        en: `${conflict.day} uses port ${conflict.ports.join(', ')} that ${labId} needs`,
        ko: `${josa(conflict.day, '이/가')} ${labId}에 필요한 포트 ${josa(conflict.ports.join(', '), '을/를')} 씁니다`,
      })
    : tr({
        en: `${conflict.day} and ${labId} together need more memory than the engine has`,
        ko: `${josa(conflict.day, '과/와')} ${josa(labId, '을/를')} 함께 돌리기에는 엔진 메모리가 부족합니다`,
      });
}
