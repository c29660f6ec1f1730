/**
 * One shared queue of learners over the slots of several engines: a free slot takes the next
 * learner. A learner whose engine is lost goes back to the queue (once per engine: a lost engine
 * takes no more work), so nobody is lost or graded twice.
 */
export interface QueueEngine {
  name: string;
  slots: number;
}

/** What became of one learner on one engine: done (stored), or its engine was lost meanwhile. */
export type Outcome = { kind: 'done' } | { kind: 'lost'; reason: string };

export interface Requeued {
  learner: string;
  engine: string;
  reason: string;
}

export interface QueueReport<T> {
  /** Engines lost during the run, with why. */
  lost: Array<{ engine: string; reason: string }>;
  /** Learners given back to the queue by a lost engine. */
  requeued: Requeued[];
  /** Learners not graded: every engine was lost (or the run was stopped) before their turn. */
  left: T[];
}

export async function runQueue<T extends { learner: string }>(input: {
  items: T[];
  engines: QueueEngine[];
  work: (item: T, engine: string, slot: number) => Promise<Outcome>;
  signal?: AbortSignal;
  onLost?: (event: Requeued) => void;
}): Promise<QueueReport<T>> {
  const queue = [...input.items];
  const dead = new Map<string, string>();
  const report: QueueReport<T> = { lost: [], requeued: [], left: [] };
  let inFlight = 0;
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };
  const lane = async (engine: string, slot: number) => {
    for (;;) {
      if (dead.has(engine) || input.signal?.aborted) return;
      const item = queue.shift();
      if (!item) {
        // Nothing queued: done, unless a learner in flight elsewhere may still come back.
        if (inFlight === 0) return;
        await changed;
        continue;
      }
      inFlight++;
      let outcome: Outcome;
      try {
        outcome = await input.work(item, engine, slot);
      } catch (error) {
        outcome = { kind: 'lost', reason: error instanceof Error ? error.message : String(error) };
      }
      inFlight--;
      if (outcome.kind === 'lost') {
        if (!dead.has(engine)) {
          dead.set(engine, outcome.reason);
          report.lost.push({ engine, reason: outcome.reason });
        }
        const event = { learner: item.learner, engine, reason: outcome.reason };
        report.requeued.push(event);
        input.onLost?.(event);
        queue.unshift(item);
      }
      notify();
    }
  };
  const lanes = input.engines.flatMap((engine) =>
    Array.from({ length: Math.min(engine.slots, Math.max(1, input.items.length)) }, (_, i) => lane(engine.name, i + 1)),
  );
  await Promise.all(lanes);
  report.left = queue;
  return report;
}
