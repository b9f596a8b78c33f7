// How much history the emulator keeps, so that a long demo (`ivsrt local simulate` for hours) cannot
// grow memory and the data dir without limit. The service documents no retention for sessions,
// participants or participant events (behaviour reference §3, "UNCONFIRMED"), so these bounds are the
// emulator's own (README, Development): what is live is never dropped, only the oldest history. A
// participant that left while its recording waits out the reconnect window is live too: its Recording
// End is still to come (recording.ts), so neither it nor its session goes until the recording has ended.
import type { Deriver } from '../state/mutation-path.js';
import { isRecording } from './recording.js';
import type { Op, Store } from '../state/store.js';

export interface RetentionLimits {
  /** Ended sessions kept per stage (with their participants and events); the active one, and one with a recording still ending, always stay. */
  endedSessionsPerStage: number;
  /** Participants that left, kept per session; connected ones, and those whose recording has not ended yet, always stay. */
  departedParticipantsPerSession: number;
  /** Events kept per participant (the newest). */
  eventsPerParticipant: number;
}

export const DEFAULT_RETENTION: RetentionLimits = {
  endedSessionsPerStage: 100,
  departedParticipantsPerSession: 1_000,
  eventsPerParticipant: 500,
};

/**
 * Adds purge ops to a change that starts a session or adds a participant, when the history beside it
 * is at its bound. (The events bound is kept by the store itself, as it appends.)
 */
export function retention(limits: RetentionLimits): Deriver {
  return (ops, store) => {
    const purges: Op[] = [];
    for (const op of ops) {
      if (op.k === 'session' && !store.sessions.has(op.v.id)) {
        const ended = (store.stageSessions.get(op.v.stageArn) ?? []).filter((s) => s.endTime !== undefined && !recordingIn(store, s.id));
        for (const s of ended.slice(0, Math.max(0, ended.length - limits.endedSessionsPerStage + 1))) {
          purges.push({ k: 'purge-session', stageArn: s.stageArn, id: s.id });
        }
      } else if (op.k === 'participant') {
        const members = store.participants.get(op.v.sessionId);
        // (Those who left include any whose recording has not ended, which stay: fewer than the bound is enough to know.)
        if (!members || members.has(op.v.id) || members.departedCount < limits.departedParticipantsPerSession) continue;
        const departed = [...members.departed()].filter((p) => !isRecording(p));
        for (const p of departed.slice(0, Math.max(0, departed.length - limits.departedParticipantsPerSession + 1))) {
          purges.push({ k: 'purge-participant', stageArn: p.stageArn, s: p.sessionId, p: p.id });
        }
      }
    }
    return purges;
  };
}

/** Whether a participant of the session is still being recorded (a recording in its reconnect window, say). */
function recordingIn(store: Store, sessionId: string): boolean {
  for (const p of store.participants.get(sessionId)?.values() ?? []) if (isRecording(p)) return true;
  return false;
}
