import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDebouncer } from '../../src/core/debounce.js';

describe('debouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collapses a burst of triggers into one run after the quiet period', async () => {
    const task = vi.fn(async () => undefined);
    const d = startDebouncer(500, task);
    d.trigger();
    await vi.advanceTimersByTimeAsync(300);
    d.trigger();
    await vi.advanceTimersByTimeAsync(300);
    d.trigger();
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('a save during a run schedules exactly one more run, never an overlapping one', async () => {
    let active = 0;
    let maxActive = 0;
    const task = vi.fn(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 1000));
      active -= 1;
    });
    const d = startDebouncer(100, task);
    d.trigger();
    await vi.advanceTimersByTimeAsync(150); // first run in progress
    d.trigger();
    d.trigger();
    await vi.advanceTimersByTimeAsync(3000);
    expect(task).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
  });

  it('stop cancels a pending run and reports task errors to onError', async () => {
    const errors: unknown[] = [];
    const d = startDebouncer(
      100,
      async () => {
        throw new Error('boom');
      },
      (e) => errors.push(e),
    );
    d.trigger();
    await vi.advanceTimersByTimeAsync(150);
    expect(errors).toHaveLength(1);
    d.trigger();
    d.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(errors).toHaveLength(1);
  });
});
