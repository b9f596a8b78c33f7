// Who `ivsrt subscribe` receives, and how it tells that its publisher stopped: decisions over what the
// stage's API answered (the verb does the asking), and why a run ended, as a type rather than a sentence.
import type { Event, ParticipantSummary } from '@aws-sdk/client-ivs-realtime';

/** The participant a subscription receives. */
export interface Publisher {
  participantId: string;
  userId?: string;
  /** The stage session it was found on. */
  sessionId: string;
}

/**
 * The participant `ref` names among a session's participants: a participant id, or else a user id (the
 * one publishing, when several connected participants share it). An id the session has not seen stands as
 * it is, so that the stage answers PUBLISHER_NOT_FOUND; undefined when `ref` is neither.
 */
export function choosePublisher(participants: ParticipantSummary[], ref: string, sessionId: string): Publisher | undefined {
  const byId = participants.find((p) => p.participantId === ref);
  if (byId) return { participantId: ref, sessionId, ...(byId.userId ? { userId: byId.userId } : {}) };
  const byUser = participants.filter((p) => p.userId === ref && p.state === 'CONNECTED');
  const chosen = byUser.find((p) => p.published) ?? byUser[0];
  if (chosen) return { participantId: chosen.participantId!, userId: ref, sessionId };
  if (/^[a-zA-Z0-9]{12}$/.test(ref)) return { participantId: ref, sessionId };
  return undefined;
}

const PUBLISH_EVENTS = new Set(['PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);

/** Whether a participant's events end with it no longer publishing: its latest publish event is PUBLISH_STOPPED, or it left. */
export function stoppedPublishing(events: Event[]): boolean {
  const relevant = events.filter((e) => e.name !== undefined && PUBLISH_EVENTS.has(e.name)).map((e) => ({ name: e.name!, at: e.eventTime?.getTime() ?? 0 }));
  // Newest last; at the same instant a stop or a departure comes after the start it ends.
  relevant.sort((a, b) => a.at - b.at || Number(b.name === 'PUBLISH_STARTED') - Number(a.name === 'PUBLISH_STARTED'));
  const last = relevant.at(-1);
  return last !== undefined && last.name !== 'PUBLISH_STARTED';
}

/** Seconds without a packet after which the stage is asked whether the publisher stopped. */
export const STALL_SECONDS = 3;

/**
 * Media that stops may mean the publisher did: after STALL_SECONDS without a packet `stopped` is asked
 * (one question at a time), and `end` called if it says so. Without this a run would end only when the
 * closed connection is noticed, when ICE gives up about 30 s later. Returns the timer to clear.
 */
export function watchStalls(packets: () => number, stopped: () => Promise<boolean>, end: () => void): NodeJS.Timeout {
  let heard = packets();
  let quiet = 0;
  let asking = false;
  return setInterval(() => {
    const now = packets();
    quiet = now === heard ? quiet + 1 : 0;
    heard = now;
    if (quiet < STALL_SECONDS || asking) return;
    asking = true;
    void stopped().then((yes) => {
      asking = false;
      quiet = 0;
      if (yes) end();
    });
  }, 1_000);
}

/** Why a subscription ended on its own (SubscribeSession's onEnd): its connection went, or ffmpeg did. */
export type SessionEnd = { kind: 'connection'; state: 'failed' | 'closed' | 'disconnected' } | { kind: 'ffmpeg'; code: number | null; error?: string };

/** Why a run of `ivsrt subscribe` ended: Ctrl-C, --duration, the session's own end, or its publisher stopping. */
export type SubscribeEnd = 'Ctrl-C' | 'duration' | SessionEnd | { kind: 'publisher-stopped' };

/** Whether the run failed: its connection or ffmpeg gave out (Ctrl-C, the duration and a publisher that stopped are not failures). */
export function endedInFailure(reason: SubscribeEnd): boolean {
  return typeof reason === 'object' && (reason.kind === 'connection' || reason.kind === 'ffmpeg');
}

/** The reason in words: the summary's endedBy. */
export function describeEnd(reason: SubscribeEnd): string {
  if (typeof reason === 'string') return reason;
  switch (reason.kind) {
    case 'connection':
      return `the WebRTC connection ${reason.state}`;
    case 'ffmpeg':
      return `ffmpeg exited (${reason.code ?? 'signal'})${reason.error ? `: ${reason.error}` : ''}`;
    case 'publisher-stopped':
      return 'the publisher stopped';
  }
}
