import type { ResolvedConfig } from '../config/config.js';
import { listLabs, type Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { isPortFree } from '../stack/ports.js';
import { checkArchitecture, checkCompose, checkDisk, checkEngine, checkEngineVersion, checkExtraCa, checkResources, formatBytes, type EngineFacts } from './checks.js';
import type { DoctorCheck, DoctorReport } from './types.js';

const MiB = 1024 * 1024;

/** One line per day: does its measured memory budget fit the engine, are its host ports free? Day 1 blocks. */
export async function checkDayBudget(lab: Lab, facts: EngineFacts | undefined, localEngine: boolean): Promise<DoctorCheck> {
  const memory = Number(facts?.info.MemTotal ?? 0);
  const needed = lab.memoryMiB * MiB;
  const memoryShort = memory > 0 && memory < needed;
  const taken: number[] = [];
  if (localEngine) {
    for (const { port } of lab.ports) if (!(await isPortFree(port))) taken.push(port);
  }
  const blocking = lab.id === 'day1';
  const problems: string[] = [];
  if (memoryShort) problems.push(tr({ en: `needs ${formatBytes(needed)}, engine has ${formatBytes(memory)}`, ko: `${formatBytes(needed)} 필요, 엔진은 ${formatBytes(memory)}` }));
  if (taken.length > 0) problems.push(tr({ en: `host port(s) ${taken.join(', ')} in use`, ko: `호스트 포트 ${taken.join(', ')} 사용 중` }));
  const ports = lab.ports.map((p) => p.port).join(', ') || '-';
  return {
    id: `budget-${lab.id}`,
    title: tr({ en: `${lab.id}: ${lab.title.en}`, ko: `${lab.id}: ${lab.title.ko}` }),
    verdict: problems.length === 0 ? 'ok' : blocking ? 'fail' : 'warn',
    summary:
      problems.length === 0
        ? tr({ en: `fits: ${formatBytes(needed)} memory, ports ${ports}`, ko: `가능: 메모리 ${formatBytes(needed)}, 포트 ${ports}` })
        : problems.join('; '),
    hint:
      problems.length === 0
        ? undefined
        : tr({
            en: `${memoryShort ? 'Give the engine more memory. ' : ''}${taken.length ? `Free the port(s) (\`de-lab status\` shows de-lab's own stacks; \`de-lab stop\` stops them).` : ''}`.trim(),
            ko: `${memoryShort ? '엔진 메모리를 늘리세요. ' : ''}${taken.length ? '포트를 비우세요(`de-lab status`로 de-lab 스택을 보고 `de-lab stop`으로 멈춤).' : ''}`.trim(),
          }),
    blocking,
    data: { memoryMiB: lab.memoryMiB, ports: lab.ports.map((p) => p.port), takenPorts: taken, memoryShort },
  };
}

export async function runDoctor(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const { check: engineCheck, facts } = await checkEngine(env);
  checks.push(engineCheck);
  if (facts) checks.push(checkEngineVersion(facts));
  checks.push(await checkCompose(env));
  const labs = listLabs();
  const largest = Math.max(0, ...labs.map((lab) => lab.memoryMiB)) * MiB;
  if (facts) {
    checks.push(checkResources(facts, largest));
    checks.push(await checkDisk(facts));
  }
  checks.push(checkArchitecture(facts));
  checks.push(checkExtraCa(config));
  const localEngine = String(engineCheck.data?.host ?? '').startsWith('unix://') || String(engineCheck.data?.host ?? '').startsWith('npipe://');
  for (const lab of labs) checks.push(await checkDayBudget(lab, facts, facts !== undefined && localEngine));
  return { ok: !checks.some((check) => check.blocking && check.verdict === 'fail'), checks };
}
