// Waiting on what happened, with no clock of the test's own. `eventually` asks a probe of the thing itself
// (the emulator's counters and events, a process's output, a file the emulator writes) again until it
// holds; `whenSettled` waits on an event-driven promise (a request arriving, a change reported). Either
// wait ends when what it waits for happens, or when its test ends: vitest's test timeout is the one limit.
// A test that fails while a wait is pending gets one more error saying what the wait was for and what
// was last seen, so a slow run on a loaded machine fails with a clue rather than a guess.
import { setTimeout as pause } from 'node:timers/promises';
import { onTestFailed, onTestFinished } from 'vitest';

/** The usual pause between two asks: how often, not how long. A probe is a cheap local read (an HTTP GET, a file). */
const ASK_EVERY_MS = 100;

/** What a probe passes on about what it found when it did not hold yet, for the failure message. */
export type See = (seen: unknown) => void;

function describeSeen(seen: unknown): string {
  if (typeof seen === 'string') return seen;
  try {
    return JSON.stringify(seen) ?? String(seen);
  } catch {
    return String(seen);
  }
}

interface Pending {
  /** Set once the test has ended, however it ended. */
  readonly ended: boolean;
  settled(): void;
}

/**
 * Registers a wait with the running test: if the test fails while the wait is pending, the failure says
 * `message()`. Outside a test (a beforeAll, say) there is nothing to register with: the hook's own timeout
 * error names the hook.
 */
function pending(message: () => string): Pending {
  const state = { ended: false, settled: false };
  try {
    onTestFinished(() => {
      state.ended = true;
    });
    onTestFailed(() => {
      if (!state.settled) throw new Error(message());
    });
  } catch {
    // not in a test
  }
  return {
    get ended() {
      return state.ended;
    },
    settled: () => void (state.settled = true),
  };
}

/**
 * Asks `probe` until it returns a value (not undefined) and resolves with it. The probe may call `see`
 * with what it found, and throw to fail the wait at once (a process it waits on has exited, say).
 * `askEveryMs` is for an in-process probe as cheap as reading a variable.
 */
export async function eventually<T>(what: string, probe: (see: See) => Promise<T | undefined> | T | undefined, { askEveryMs = ASK_EVERY_MS } = {}): Promise<T> {
  let asks = 0;
  let seen = 'nothing (the probe passed on nothing)';
  const see: See = (value) => (seen = describeSeen(value).slice(0, 2_000));
  const wait = pending(() => `the test ended still waiting for ${what}, after asking ${asks} times; last seen: ${seen}`);
  for (;;) {
    // The test has ended (its timeout, or another failure): stop asking. Nothing awaits this wait any more,
    // so it is left unsettled rather than rejected, which would only add an unhandled rejection.
    if (wait.ended) return new Promise<never>(() => {});
    asks++;
    let value: T | undefined;
    try {
      value = await probe(see);
    } catch (error) {
      wait.settled(); // the probe's own error says why
      throw error;
    }
    if (value !== undefined) {
      wait.settled();
      return value;
    }
    await pause(askEveryMs);
  }
}

/** Resolves or rejects as `promise` does; a test that fails while it is pending says what it waited for and `seen()`. */
export function whenSettled<T>(what: string, promise: Promise<T>, seen: () => string): Promise<T> {
  const wait = pending(() => `the test ended still waiting for ${what}; last seen: ${seen()}`);
  return promise.finally(() => wait.settled());
}
