import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortable } from '../../src/grading/runner.js';

describe('abortable', () => {
  it('leaves no abort listener on the run signal once each piece of work settles', async () => {
    const controller = new AbortController();
    // A check runs one step or check after another on the same signal: more than ten made Node
    // print a MaxListenersExceededWarning on the learner's terminal.
    for (let i = 0; i < 25; i++) await abortable(Promise.resolve(i), controller.signal);
    await abortable(Promise.reject(new Error('a failed step')), controller.signal).catch(() => undefined);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('still stops the work it waits for when the signal fires', async () => {
    const controller = new AbortController();
    const waiting = abortable(new Promise(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('the check was stopped');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
