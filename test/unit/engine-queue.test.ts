import { describe, expect, it } from 'vitest';
import { runQueue, type Outcome } from '../../src/grading/grade/engine-queue.js';

const learners = (n: number) => Array.from({ length: n }, (_, i) => ({ learner: `l${i + 1}` }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runQueue: one queue over the slots of several engines', () => {
  it('grades every learner once, spread over the engines by free slots', async () => {
    const seen: Array<[string, string]> = [];
    const report = await runQueue({
      items: learners(7),
      engines: [
        { name: 'a', slots: 2 },
        { name: 'b', slots: 1 },
      ],
      work: async (item, engine): Promise<Outcome> => {
        seen.push([item.learner, engine]);
        await tick();
        return { kind: 'done' };
      },
    });
    expect(seen.map(([l]) => l).sort()).toEqual(
      learners(7)
        .map((l) => l.learner)
        .sort(),
    );
    expect(new Set(seen.map(([, e]) => e))).toEqual(new Set(['a', 'b']));
    expect(report).toEqual({ lost: [], requeued: [], left: [] });
  });

  it('gives a lost engine’s learner back to the queue, graded elsewhere, and stops using that engine', async () => {
    const done: Array<[string, string]> = [];
    const report = await runQueue({
      items: learners(5),
      engines: [
        { name: 'a', slots: 1 },
        { name: 'b', slots: 2 },
      ],
      work: async (item, engine): Promise<Outcome> => {
        await tick();
        if (engine === 'b') return { kind: 'lost', reason: 'connect ENOENT' };
        done.push([item.learner, engine]);
        return { kind: 'done' };
      },
    });
    expect(done.map(([l]) => l).sort()).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(done.every(([, e]) => e === 'a')).toBe(true);
    expect(report.lost).toEqual([{ engine: 'b', reason: 'connect ENOENT' }]);
    // Both of b's slots had a learner when it was lost; each went back once.
    expect(report.requeued.map((r) => r.engine)).toEqual(['b', 'b']);
    expect(report.left).toEqual([]);
  });

  it('a slot that went idle takes a learner given back later', async () => {
    const done: string[] = [];
    await runQueue({
      items: learners(2),
      engines: [
        { name: 'fast', slots: 1 },
        { name: 'slow', slots: 1 },
      ],
      work: async (item, engine): Promise<Outcome> => {
        if (engine === 'slow') {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return { kind: 'lost', reason: 'gone' };
        }
        done.push(item.learner);
        return { kind: 'done' };
      },
    });
    expect(done.sort()).toEqual(['l1', 'l2']);
  });

  it('leaves learners ungraded, not lost, when every engine is lost', async () => {
    const report = await runQueue({
      items: learners(3),
      engines: [{ name: 'a', slots: 1 }],
      work: async (): Promise<Outcome> => ({ kind: 'lost', reason: 'down' }),
    });
    expect(report.left.map((l) => l.learner)).toEqual(['l1', 'l2', 'l3']);
    expect(report.requeued).toHaveLength(1);
  });

  it('takes no new learner after the signal', async () => {
    const abort = new AbortController();
    const done: string[] = [];
    const report = await runQueue({
      items: learners(4),
      engines: [{ name: 'a', slots: 1 }],
      signal: abort.signal,
      work: async (item): Promise<Outcome> => {
        done.push(item.learner);
        abort.abort();
        return { kind: 'done' };
      },
    });
    expect(done).toEqual(['l1']);
    expect(report.left).toHaveLength(3);
  });
});
