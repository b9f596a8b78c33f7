// Reading and replacing one participant record. Records are replaced on every change, never changed in
// place, so code that holds a participant across calls reads it afresh (activity.ts, recording.ts).
import type { Emulator } from './emulator.js';
import type { EventRec, ParticipantRec } from '../state/store.js';

/** The stored version of `p` now (a reference held across calls goes stale). */
export function current(emu: Emulator, p: ParticipantRec): ParticipantRec {
  return emu.store.participants.get(p.sessionId)?.get(p.id) ?? p;
}

/**
 * Replaces the stored `p` by a copy with `changes`, and returns the copy. `events` (ListParticipantEvents)
 * that the change causes go into the same mutation, so the derivers see the change once, whole.
 */
export function update(emu: Emulator, p: ParticipantRec, changes: Partial<ParticipantRec>, ...events: EventRec[]): ParticipantRec {
  const next = { ...current(emu, p), ...changes };
  emu.mutate([{ k: 'participant', v: next }, ...events.map((e) => ({ k: 'event' as const, s: next.sessionId, p: next.id, e }))]);
  return next;
}
