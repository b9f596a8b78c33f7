// What a state word means, the one table every view colours states by: the CLI's tables and TSV
// (src/cli/output/paint.ts) and the watch view (src/watch/feed.ts, src/watch/ui).

/** live: up and working; moving: on its way somewhere; over: ended normally; failed: ended in error. */
export type StateMeaning = 'live' | 'moving' | 'over' | 'failed';

const MEANINGS: Record<string, StateMeaning> = {
  CONNECTED: 'live',
  ACTIVE: 'live',
  PUBLISH: 'live',
  true: 'live',
  yes: 'live',
  STARTING: 'moving',
  STOPPING: 'moving',
  RECONNECTING: 'moving',
  PENDING: 'moving',
  DISCONNECTED: 'over',
  STOPPED: 'over',
  INACTIVE: 'over',
  DISABLED: 'over',
  false: 'over',
  no: 'over',
  FAILED: 'failed',
};

/** The meaning of a state, a yes/no cell or a boolean's text; undefined for a word that carries none. */
export function stateMeaning(state: string | undefined): StateMeaning | undefined {
  return state === undefined ? undefined : Object.hasOwn(MEANINGS, state) ? MEANINGS[state] : undefined;
}
