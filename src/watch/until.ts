// `--until <condition>`: end a watch when the stage reaches a state, for scripts that wait on a stage
// (`ivsrt watch demo --until participant-count=0 --json > log.ndjson`). Several conditions mean "any".
import type { ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import type { Change, WatchSnapshot } from './model.js';
import { isConnected } from './model.js';

export interface UntilCondition {
  readonly text: string;
  met(snapshot: WatchSnapshot, changes: readonly Change[]): boolean;
}

export const UNTIL_FORMS = [
  ['participant-count<op><n>', 'connected participants vs n (= != < <= > >=)'],
  ['session-active', 'the stage has an active session'],
  ['session-ended', 'a session this watch saw active has ended'],
  ['composition=<STATE>', 'a composition is in STATE (e.g. ACTIVE, STOPPED)'],
  ['joined=<user>', 'user (userId or participantId) is connected'],
  ['left=<user>', 'user has disconnected'],
  ['published=<user>', 'user has published'],
] as const;

export class UntilSyntaxError extends Error {}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const COMPOSITION_STATES = new Set(['STARTING', 'ACTIVE', 'STOPPING', 'FAILED', 'STOPPED']);

export function parseUntil(text: string): UntilCondition {
  const match = /^\s*([a-z-]+)\s*(==|!=|<=|>=|=|<|>)?\s*(.*?)\s*$/.exec(text);
  const [, subject, op, value] = match ?? [];
  const condition = (met: UntilCondition['met']): UntilCondition => ({ text, met });
  switch (subject) {
    case 'participant-count': {
      const n = Number(value);
      if (!op || value === '' || !Number.isInteger(n)) break;
      return condition((snapshot) => COMPARE[op]!(connectedCount(snapshot), n));
    }
    case 'session-active':
      if (op) break;
      return condition((snapshot) => [...snapshot.stage.values()].some((s) => s.activeSessionId));
    case 'session-ended':
      if (op) break;
      return condition((_, changes) => changes.some(endsSession));
    case 'composition': {
      const state = value?.toUpperCase();
      if (op !== '=' || !state || !COMPOSITION_STATES.has(state)) break;
      return condition((snapshot) => [...snapshot.composition.values()].some((c) => c.state === state));
    }
    case 'joined':
    case 'left':
    case 'published': {
      if (op !== '=' || !value) break;
      const is = (p: ParticipantSummary) => p.userId === value || p.participantId === value;
      const participants = (snapshot: WatchSnapshot) => [...snapshot.participant.values()].filter(is);
      if (subject === 'joined') return condition((s) => participants(s).some(isConnected));
      if (subject === 'published') return condition((s) => participants(s).some((p) => p.published));
      return condition(
        (s, changes) =>
          participants(s).some((p) => !isConnected(p)) ||
          changes.some((c) => c.type === 'REMOVED' && c.kind === 'participant' && is(c.object)),
      );
    }
  }
  throw new UntilSyntaxError(
    `--until ${JSON.stringify(text)} is not a condition; use one of: ${UNTIL_FORMS.map(([form]) => form).join(', ')}`,
  );
}

function connectedCount(snapshot: WatchSnapshot): number {
  let count = 0;
  for (const participant of snapshot.participant.values()) if (isConnected(participant)) count++;
  return count;
}

function endsSession(change: Change): boolean {
  if (change.type !== 'MODIFIED') return false;
  if (change.kind === 'session') return !change.previous?.endTime && Boolean(change.object.endTime);
  if (change.kind === 'stage') {
    const before = change.previous?.activeSessionId;
    return Boolean(before) && before !== change.object.activeSessionId;
  }
  return false;
}

/** Calls `onMet` after the first poll in which any condition holds; returns the unsubscribe. */
export function whenAnyMet(
  poller: { on(event: 'poll', listener: (poll: { snapshot: WatchSnapshot; changes: Change[] }) => void): () => void },
  conditions: readonly UntilCondition[],
  onMet: (condition: UntilCondition) => void,
): () => void {
  if (conditions.length === 0) return () => undefined;
  const off = poller.on('poll', ({ snapshot, changes }) => {
    const met = conditions.find((c) => c.met(snapshot, changes));
    if (met) {
      off();
      onMet(met);
    }
  });
  return off;
}
