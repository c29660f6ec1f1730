import type Dockerode from 'dockerode';
import type { Lab } from '../course/labs.js';
import { tr } from '../i18n/lang.js';
import { execService, serviceContainerId } from './sandbox/containers.js';

// A day's stack keeps its volumes across `stop` and `start`, and across workspaces: a new
// workspace runs on the Kafka topics, Druid datasources and History Server runs of earlier ones.
// `start` and `gen` list what is there (lab.yaml `data:`) and say how to empty it.

export interface DataFound {
  what: { en: string; ko: string };
  names: string[];
  /** Whether the names mean something to a learner (topics do, Spark's application ids do not). */
  showNames: boolean;
}

/** The command that empties a day's stack: its volumes go, the learner's workspace stays. */
export function emptyCommand(labId: string): string {
  return `de-lab stop ${labId} --purge --yes && de-lab start ${labId}`;
}

/** One name a line, blank lines and surrounding spaces dropped, each name once, in order. */
export function namesOf(stdout: string): string[] {
  return [...new Set(stdout.split('\n').map((line) => line.trim()))].filter(Boolean);
}

/**
 * What the running stack already holds, by the day's probes, run side by side. A probe that fails
 * or times out (a service still starting) is left out: this is advice, never a reason to fail.
 */
export async function findEarlierData(docker: Dockerode, lab: Lab, project: string): Promise<DataFound[]> {
  const found = await Promise.all(
    lab.data.map(async (probe): Promise<DataFound | undefined> => {
      try {
        const containerId = await serviceContainerId(docker, project, probe.service);
        const run = await execService({ docker, containerId, command: probe.list, timeoutMs: 10_000 });
        if (run.exitCode !== 0 || run.timedOut) return undefined;
        return { what: probe.what, names: namesOf(run.stdout), showNames: probe.names };
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((f): f is DataFound => f !== undefined && f.names.length > 0);
}

function listed(found: DataFound): string {
  const count = `${found.names.length}`;
  if (!found.showNames) return tr({ en: `${tr(found.what)}: ${count}`, ko: `${tr(found.what)} ${count}개` });
  const some = found.names.slice(0, 4).join(', ') + (found.names.length > 4 ? ', …' : '');
  return tr({ en: `${tr(found.what)}: ${count} (${some})`, ko: `${tr(found.what)} ${count}개(${some})` });
}

/**
 * The notice for what the stack already holds, or undefined when it holds nothing. `adds`: said by
 * `gen`, whose events are added to it.
 */
export function earlierDataNotice(labId: string, found: DataFound[], adds = false): string | undefined {
  if (found.length === 0) return undefined;
  const what = found.map(listed).join('; ');
  const empty = emptyCommand(labId);
  return adds
    ? tr({
        en: `${labId}'s stack already holds data from earlier runs, and what gen makes is added to it: ${what}. To start from nothing: ${empty}`,
        ko: `${labId} 스택에는 이전 실행의 데이터가 이미 있고, gen이 만드는 데이터는 여기에 더해집니다: ${what}. 처음부터 하려면: ${empty}`,
      })
    : tr({
        en: `${labId}'s stack holds data from earlier runs (its volumes outlive stop, start and workspaces): ${what}. To start from nothing: ${empty}`,
        ko: `${labId} 스택에 이전 실행의 데이터가 있습니다(볼륨은 stop, start, 작업 폴더와 상관없이 남습니다): ${what}. 처음부터 하려면: ${empty}`,
      });
}
