/**
 * Runs `task` once things go quiet: every trigger restarts the wait, and a trigger during a run
 * schedules exactly one more run after it, so saves are never lost and runs never overlap.
 */
export interface Debouncer {
  trigger(delayMs?: number): void;
  stop(): void;
}

export function startDebouncer(
  waitMs: number,
  task: () => Promise<void>,
  onError: (error: unknown) => void = () => undefined,
): Debouncer {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const run = async () => {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
    if (again && !stopped) {
      again = false;
      schedule(waitMs);
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(), delay);
  };
  return {
    trigger: (delayMs = waitMs) => (running ? (again = true) : schedule(delayMs)),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
