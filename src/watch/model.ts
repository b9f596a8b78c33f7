// The watcher's view of the service: immutable snapshots of API objects, and the change records that
// diffing two snapshots produces. Objects keep the SDK's shapes (timestamps as Date, which JSON turns
// into ISO strings), so a change stream carries what the API returned.
import type {
  Composition,
  CompositionSummary,
  Event,
  Participant,
  Stage,
  StageSession,
  StageSummary,
} from '@aws-sdk/client-ivs-realtime';
import type { MeasuredMedia } from '../local/media.js';

/** In all-stages mode a stage also carries the number of CONNECTED participants counted by ivsrt. */
export type WatchedStage = Stage | (StageSummary & { participantCount?: number });

/** GetComposition's full object while we can fetch it; the summary once the service has cleaned it up. */
export type WatchedComposition = Composition | CompositionSummary;

/**
 * Against the ivsrt emulator, a participant publishing over WHIP also carries the media the emulator
 * measures (src/watch/media.ts). The service itself reports no media, so on AWS this is never set.
 */
export type WatchedParticipant = Participant & { media?: MeasuredMedia };

export interface KindObjects {
  stage: WatchedStage;
  session: StageSession;
  /** A ListParticipants summary, completed with GetParticipant's fields once they have been fetched. */
  participant: WatchedParticipant;
  composition: WatchedComposition;
  event: Event;
}

export type ChangeKind = keyof KindObjects;
export type ChangeType = 'ADDED' | 'MODIFIED' | 'REMOVED';

/** Order in which one poll's changes are reported: containers before their contents. */
export const CHANGE_KINDS: readonly ChangeKind[] = ['stage', 'session', 'participant', 'composition', 'event'];

export type Change = {
  [K in ChangeKind]: {
    type: ChangeType;
    kind: K;
    object: KindObjects[K];
    /** The object before a MODIFIED change; kept in memory for renderers, never serialised. */
    previous?: KindObjects[K];
    /** When the poll that saw the change finished (ISO 8601). */
    timestamp: string;
  };
}[ChangeKind];

export type Collections = { readonly [K in ChangeKind]: ReadonlyMap<string, KindObjects[K]> };

/** Participant count of a session; `more` when only a lower bound is known. */
export interface SessionHeadcount {
  count: number;
  more: boolean;
}

export interface WatchSnapshot extends Collections {
  /** Stage mode: the stage watched. Absent in all-stages mode. */
  readonly stageArn?: string;
  /** The session whose participants are listed: the active one, or the one that just ended. */
  readonly sessionId?: string;
  /** Whether every participant of the session has been listed at least once. */
  readonly rosterComplete: boolean;
  readonly headcounts: ReadonlyMap<string, SessionHeadcount>;
  readonly focusedParticipantId?: string;
}

export const emptySnapshot = (stageArn?: string): WatchSnapshot => ({
  stageArn,
  rosterComplete: false,
  headcounts: new Map(),
  stage: new Map(),
  session: new Map(),
  participant: new Map(),
  composition: new Map(),
  event: new Map(),
});

export const TERMINAL_COMPOSITION_STATES: ReadonlySet<string> = new Set(['STOPPED', 'FAILED']);

export function eventKey(event: Event): string {
  return [event.participantId, event.eventTime?.toISOString(), event.name, event.remoteParticipantId ?? ''].join('|');
}

export function isConnected(participant: Participant): boolean {
  return participant.state === 'CONNECTED';
}
