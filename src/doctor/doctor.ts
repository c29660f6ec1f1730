import { josa } from '../i18n/josa.js';
import type { ResolvedConfig } from '../config/config.js';
import { listLabs, type Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { isPortFree, portHolder } from '../stack/ports.js';
import { describePortHolder, portTakenMessage } from '../stack/preflight.js';
import { PROJECT_LABEL } from '../stack/project.js';
import {
  checkArchitecture,
  checkCompose,
  checkDisk,
  checkEngine,
  checkEngineVersion,
  checkExtraCa,
  checkResources,
  formatBytes,
  type EngineFacts,
} from './checks.js';
import { checkPackages } from './packages.js';
import { courseImages, foldersCheck, imagesCheck } from './engine-images.js';
import type { EngineTarget } from './engine-target.js';
import { onThisMachine } from '../stack/engines/disk.js';
import type { DoctorCheck, DoctorReport } from './types.js';
import { checkDesktopVm, checkWorkspaceDrive, detectWsl } from './windows.js';

const MiB = 1024 * 1024;

/** Running de-lab day projects and the host ports their containers publish. */
export type RunningProjects = Map<string, Set<number>>;

async function runningProjects(docker: EngineFacts['docker']): Promise<RunningProjects> {
  const map: RunningProjects = new Map();
  try {
    const containers = await docker.listContainers({ filters: { label: [PROJECT_LABEL], status: ['running'] } });
    for (const container of containers) {
      const project = container.Labels[PROJECT_LABEL] ?? '';
      if (!/^de-lab-day[1-9]$/.test(project)) continue;
      const ports = map.get(project) ?? new Set<number>();
      for (const port of container.Ports ?? []) if (port.PublicPort) ports.add(port.PublicPort);
      map.set(project, ports);
    }
  } catch {
    // Without the list, ports are judged as before.
  }
  return map;
}

async function whoHolds(facts: EngineFacts | undefined, port: number): Promise<{ holder: string; fix: string }> {
  if (facts)
    try {
      return await describePortHolder(facts.docker, port);
    } catch {
      // The engine went away meanwhile: look at this machine's processes only.
    }
  const holder = await portHolder(port);
  return holder
    ? { holder, fix: tr({ en: 'stop that program or change its port', ko: '그 프로그램을 멈추거나 포트를 바꾸세요' }) }
    : {
        holder: tr({ en: 'another program', ko: '다른 프로그램' }),
        fix: tr({ en: 'find it with `ss -ltnp` or `lsof -i`', ko: '`ss -ltnp` 또는 `lsof -i`로 찾으세요' }),
      };
}

/** One line per day: does its measured memory budget fit the engine, are its host ports free? Day 1 blocks. */
export async function checkDayBudget(
  lab: Lab,
  facts: EngineFacts | undefined,
  localEngine: boolean,
  running: RunningProjects = new Map(),
): Promise<DoctorCheck> {
  const memory = Number(facts?.info.MemTotal ?? 0);
  const needed = lab.memoryMiB * MiB;
  const memoryShort = memory > 0 && memory < needed;
  // Ports the day's own running stack publishes are not "in use" by anything else.
  const own = running.get(`de-lab-${lab.id}`);
  const taken: number[] = [];
  if (localEngine) {
    for (const { port } of lab.ports) if (!own?.has(port) && !(await isPortFree(port))) taken.push(port);
  }
  const holders = taken
    .map((port) => [...running.entries()].find(([, ports]) => ports.has(port))?.[0]?.replace('de-lab-', ''))
    .filter((day): day is string => Boolean(day));
  // Ports held by something else than a de-lab day: name the program or container, as `start` does.
  const others: string[] = [];
  for (const port of taken.filter((p) => ![...running.values()].some((ports) => ports.has(p))))
    others.push(portTakenMessage(lab.id, port, await whoHolds(facts, port)));
  const blocking = lab.id === 'day1';
  const problems: string[] = [];
  if (memoryShort)
    problems.push(
      tr({
        en: `needs ${formatBytes(needed)}, engine has ${formatBytes(memory)}`,
        ko: `${formatBytes(needed)} 필요, 엔진은 ${formatBytes(memory)}`,
      }),
    );
  if (taken.length > 0)
    problems.push(tr({ en: `host port(s) ${taken.join(', ')} in use`, ko: `호스트 포트 ${taken.join(', ')} 사용 중` }));
  const ports = lab.ports.map((p) => p.port).join(', ') || '-';
  return {
    id: `budget-${lab.id}`,
    title: tr({ en: `${lab.id}: ${lab.title.en}`, ko: `${lab.id}: ${lab.title.ko}` }),
    verdict: problems.length === 0 ? 'ok' : blocking ? 'fail' : 'warn',
    summary:
      problems.length === 0
        ? own
          ? tr({
              en: `running now (ports ${ports} are its own); ${formatBytes(needed)} memory`,
              ko: `지금 실행 중(포트 ${josa(ports, '은/는')} 이 날의 것). 메모리 ${formatBytes(needed)}`,
            })
          : tr({
              en: `fits: ${formatBytes(needed)} memory, ports ${ports}`,
              ko: `가능: 메모리 ${formatBytes(needed)}, 포트 ${ports}`,
            })
        : problems.join('; '),
    hint:
      problems.length === 0
        ? undefined
        : tr({
            en: `${memoryShort ? 'Give the engine more memory. ' : ''}${holders.length ? `${holders.join(', ')} holds the port(s): \`de-lab stop ${holders[0]}\` frees them (\`de-lab start ${lab.id}\` offers to). ` : ''}${others.join(' ')}`.trim(),
            ko: `${memoryShort ? '엔진 메모리를 늘리세요. ' : ''}${holders.length ? `${josa(holders.join(', '), '이/가')} 포트를 쓰고 있습니다. \`de-lab stop ${holders[0]}\`로 비울 수 있습니다(\`de-lab start ${lab.id}\`도 제안합니다). ` : ''}${others.join(' ')}`.trim(),
          }),
    blocking,
    data: {
      memoryMiB: lab.memoryMiB,
      ports: lab.ports.map((p) => p.port),
      takenPorts: taken,
      memoryShort,
      running: own !== undefined,
    },
  };
}

/**
 * `root`: where the host's /proc is read (a folder of fakes in tests). `target`: the engine of
 * `--engine` instead of the one the docker CLI would use.
 */
export async function runDoctor(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
  root = '/',
  target?: EngineTarget,
): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const { check: engineCheck, facts } = await checkEngine(target?.apiEnv ?? env);
  checks.push(engineCheck);
  if (facts) checks.push(checkEngineVersion(facts));
  checks.push(await checkCompose(target?.cliEnv ?? env));
  const labs = listLabs();
  const largest = Math.max(0, ...labs.map((lab) => lab.memoryMiB)) * MiB;
  const host = String(engineCheck.data?.host ?? '');
  const localEngine = onThisMachine(host);
  if (facts) {
    checks.push(checkResources(facts, largest));
    checks.push(await checkDisk(facts, undefined, localEngine));
    const images = await courseImages(facts.docker, labs, config.values.imagePrefix).catch((error: Error) => error);
    checks.push(imagesCheck(images, localEngine, target?.name ?? host));
    if (!localEngine) checks.push(await foldersCheck(facts.docker, images instanceof Error ? undefined : images.held));
  }
  const wsl = detectWsl({ root, env });
  for (const check of [checkDesktopVm(wsl, facts?.info), checkWorkspaceDrive(wsl, config.values.workspace)])
    if (check) checks.push(check);
  checks.push(checkArchitecture(facts));
  checks.push(checkExtraCa(config));
  checks.push(checkPackages(config));
  const running = facts ? await runningProjects(facts.docker) : new Map<string, Set<number>>();
  for (const lab of labs) checks.push(await checkDayBudget(lab, facts, facts !== undefined && localEngine, running));
  const runningDays = labs.filter((lab) => running.has(`de-lab-${lab.id}`)).map((lab) => lab.id);
  return {
    ok: !checks.some((check) => check.blocking && check.verdict === 'fail'),
    checks,
    runningDays,
    firstDay: labs[0]?.id,
  };
}
