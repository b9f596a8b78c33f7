// A participant on a stage through WebRTC connections: one token may publish over one connection and
// subscribe over others (AWS's aiortc pub-sub sample does both with one token). The participant joins with
// its first connection and leaves with its last; this counts them.
import { joinStage, leaveStage, sessionMembers } from './activity.js';
import type { Emulator } from './emulator.js';
import { participantKey, type ParticipantRec, type StageRec } from '../state/store.js';
import type { TokenGrant } from './tokens.js';

export class Presence {
  /** Open connections by participant key. */
  private readonly connections = new Map<string, number>();

  constructor(private readonly emu: Emulator) {}

  /** The token's participant on `stage`: the one its other connections hold, or a new join (JOINED). */
  enter(stage: StageRec, grant: TokenGrant): ParticipantRec {
    const existing = sessionMembers(this.emu, stage.activeSessionId).get(grant.participantId);
    const held = existing?.connected && this.connections.get(participantKey(existing));
    const p = held ? existing : joinStage(this.emu, stage, grant, { protocol: 'WHIP' });
    this.connections.set(participantKey(p), (this.connections.get(participantKey(p)) ?? 0) + 1);
    return p;
  }

  /** Whether `p` is on the stage through a WebRTC connection here (not a simulated participant). */
  holds(p: { sessionId: string; id: string }): boolean {
    return this.connections.has(participantKey(p));
  }

  /** One connection of `p` has ended; with its last, `p` leaves the stage (LEFT). Returns whether it left. */
  leave(p: { sessionId: string; id: string }): boolean {
    const key = participantKey(p);
    const left = (this.connections.get(key) ?? 1) - 1;
    if (left > 0) {
      this.connections.set(key, left);
      return false;
    }
    this.connections.delete(key);
    const now = sessionMembers(this.emu, p.sessionId).get(p.id);
    if (now?.connected) leaveStage(this.emu, now);
    return true;
  }
}
