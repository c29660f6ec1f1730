import { tr } from '../../i18n/lang.js';
import { READY, type Phase, type ServiceProgress, type StartResult } from '../../stack/start.js';
import { runTasks } from '../../ui/tasks.js';
import { style } from '../../ui/style.js';

const phaseText: Record<Phase, { en: string; ko: string }> = {
  pending: { en: 'waiting', ko: '대기' },
  creating: { en: 'creating', ko: '생성 중' },
  starting: { en: 'starting, waiting for its healthcheck', ko: '시작 중, 헬스체크 대기' },
  healthy: { en: 'healthy', ko: '정상(healthy)' },
  running: { en: 'running', ko: '실행 중' },
  done: { en: 'finished', ko: '완료' },
  failed: { en: 'failed', ko: '실패' },
};

interface Waiter {
  phase: Phase;
  at: number;
  listeners: Array<() => void>;
}

/**
 * Runs `start` with one task line per service that follows its phase until it is ready (or the
 * start fails). Resolves with the start's result or its failure; it never throws.
 */
export async function startWithProgress(
  services: string[],
  json: boolean,
  start: (onProgress: (progress: ServiceProgress) => void) => Promise<StartResult>,
): Promise<{ result?: StartResult; failure?: unknown }> {
  const waiters = new Map<string, Waiter>(services.map((name) => [name, { phase: 'pending', at: 0, listeners: [] }]));
  const wake = (waiter: Waiter) => waiter.listeners.splice(0).forEach((listener) => listener());
  let result: StartResult | undefined;
  let failure: unknown;
  const run = (async () => {
    try {
      result = await start(({ service, phase, at }) => {
        const waiter = waiters.get(service);
        if (!waiter) return;
        waiter.phase = phase;
        waiter.at = at;
        wake(waiter);
      });
    } catch (error) {
      failure = error;
    } finally {
      for (const waiter of waiters.values()) wake(waiter);
    }
  })();
  const tasks = services.map((service) => ({
    title: service,
    task: async (_c: object, task: { output: string; title: string }) => {
      const waiter = waiters.get(service)!;
      for (;;) {
        if (result || failure) break;
        if (READY.has(waiter.phase)) break;
        task.output = tr(phaseText[waiter.phase]);
        await new Promise<void>((resolve) => waiter.listeners.push(resolve));
      }
      if (result?.alreadyRunning) {
        task.title = `${service} ${style.dim(tr({ en: 'already ready', ko: '이미 준비됨' }))}`;
        return;
      }
      if (!READY.has(waiter.phase))
        throw new Error(tr(phaseText[waiter.phase === 'pending' ? 'failed' : waiter.phase]));
      task.title = `${service} ${style.dim(`${tr(phaseText[waiter.phase])} ${(waiter.at / 1000).toFixed(1)} s`)}`;
    },
  }));
  await runTasks(tasks, { json, concurrent: true, exitOnError: false }).catch(() => undefined);
  await run;
  return { result, failure };
}
