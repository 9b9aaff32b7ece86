import type { jest } from '@jest/globals';

/**
 * Waiting for something a test cannot be told about, such as a request reaching an
 * emulator: `until` checks `condition` after every turn of the event loop. It uses
 * setImmediate, so that it also works while a test moves jest's fake clock (which must
 * then leave setImmediate alone: see FAKE_CLOCK).
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** jest.useFakeTimers options for tests that also wait for real I/O with `until`. */
export const FAKE_CLOCK: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
};
