import type { DeLabError } from '../../src/core/errors.js';

/** The error `fn` throws (as de-lab's own error type); fails the test when it throws nothing. */
export function thrown(fn: () => unknown): DeLabError {
  try {
    fn();
  } catch (error) {
    return error as DeLabError;
  }
  throw new Error('did not throw');
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejected(promise: Promise<unknown>): Promise<DeLabError> {
  try {
    await promise;
  } catch (error) {
    return error as DeLabError;
  }
  throw new Error('did not reject');
}
