// Which EventBridge events a committed change emits. The deriver sees the change's ops and the store as
// it was before them, so each event is a difference between before and after: a participant event
// that IVS also reports on EventBridge, a recording state that moved, a composition or destination
// state that moved. The envelopes go into the event tables in the same transaction as the change.
import { participantKey, type CompositionRec, type DestinationRec, type EventRec, type Op, type ParticipantRec, type Store } from '../state/store.js';
import {
  COMPOSITION_EVENT_OF_STATE,
  compositeRecordingDetail,
  envelope,
  eventOfMove,
  isExtraEvent,
  RECORDING_EVENT_OF_STATE,
  STAGE_EVENT_OF_PARTICIPANT_EVENT,
  stageUpdateDetail,
  type CompositionEventName,
  type IvsEvent,
  type Origin,
  type RecordingDetail,
  type StageEventName,
} from './envelope.js';
import { EVENT_LOG, OUTBOX } from './tables.js';

/**
 * What IVS sends and what the emulator only guesses: with `extras` off, no event or field without a source
 * (envelope.ts EXTRA_EVENT_NAMES; docs/events.md, "Extras") is emitted.
 */
interface DeriveOptions {
  extras?: boolean;
}

function stageUpdate(origin: Origin, p: ParticipantRec, e: EventRec, extras: boolean): IvsEvent | undefined {
  // A participant event with no row (JOINED, LEFT, ...) is not sent on EventBridge.
  const name: StageEventName | undefined = STAGE_EVENT_OF_PARTICIPANT_EVENT[e.name as keyof typeof STAGE_EVENT_OF_PARTICIPANT_EVENT];
  // A replica's publishing as seen on its destination stage is an extra (the extra events are left out below).
  if (!name || (!extras && p.replicationType === 'REPLICA')) return undefined;
  const detail = stageUpdateDetail(name, e.time, { sessionId: p.sessionId, userId: p.userId, participantId: p.id });
  if (extras && e.errorCode !== undefined) detail.error_code = e.errorCode;
  if (e.destinationStageArn !== undefined) detail.destination_stage_arn = e.destinationStageArn;
  if (e.destinationSessionId !== undefined) detail.destination_session_id = e.destinationSessionId;
  return envelope(origin, e.time, p.stageArn, detail);
}

function recordingChange(origin: Origin, before: ParticipantRec | undefined, after: ParticipantRec, now: number): IvsEvent | undefined {
  if (after.recordingState === undefined) return undefined;
  const name = eventOfMove(RECORDING_EVENT_OF_STATE, before?.recordingState, after.recordingState)?.event;
  if (!name) return undefined;
  const detail: RecordingDetail = {
    session_id: after.sessionId,
    event_name: name,
    participant_id: after.id,
    recording_s3_bucket_name: after.recordingBucket ?? '',
    recording_s3_key_prefix: after.recordingPrefix ?? '',
  };
  // The media recorded, not the reconnect windows waited out (recording.ts mediaUntilNow); a record stored
  // before the emulator counted media reports the whole time since Recording Start.
  if (name === 'Recording End' && after.recordingStartTime !== undefined) detail.recording_duration_ms = after.recordingMediaMs ?? Math.max(0, now - after.recordingStartTime);
  return envelope(origin, now, after.stageArn, detail);
}

const SESSION_EVENTS = COMPOSITION_EVENT_OF_STATE.filter((row) => row.of === 'session');
const DESTINATION_EVENTS = COMPOSITION_EVENT_OF_STATE.filter((row) => row.of === 'destination');
const COMPOSITE_RECORDING_EVENTS = COMPOSITION_EVENT_OF_STATE.filter((row) => row.of === 'composite recording');

/** The composite recording of S3 destination `d` moved (its first segment, or its closing file, was written). */
function compositeRecordingChange(origin: Origin, before: DestinationRec | undefined, c: CompositionRec, d: DestinationRec, now: number): IvsEvent | undefined {
  if (!d.recording) return undefined;
  const name = eventOfMove(COMPOSITE_RECORDING_EVENTS, before?.recording?.state, d.recording.state)?.event;
  if (!name) return undefined;
  const where = { bucket: d.recording.bucket, prefix: d.detail?.s3.recordingPrefix ?? '' };
  return envelope(origin, now, c.arn, compositeRecordingDetail(name, c.stageArn, d.id, where, d.recording.durationMs));
}

function compositionChange(origin: Origin, before: CompositionRec | undefined, after: CompositionRec, now: number, extras: boolean): IvsEvent[] {
  const at = (event_name: CompositionEventName, destination?: DestinationRec) =>
    envelope(origin, now, after.arn, destination && extras ? { event_name, stage_arn: after.stageArn, destination_id: destination.id } : { event_name, stage_arn: after.stageArn });
  const events: IvsEvent[] = [];
  const session = eventOfMove(SESSION_EVENTS, before?.state, after.state)?.event;
  // A session's event comes before its destinations' when it goes ACTIVE (Session Start, then Destination
  // Start), after them otherwise (Destination End, then Session End) (ssc-overview).
  const sessionFirst = after.state === 'ACTIVE';
  if (session && sessionFirst) events.push(at(session));
  for (const d of after.destinations) {
    const previous = before?.destinations.find((b) => b.id === d.id);
    // A destination that comes with its composition (or joins it) moves from STARTING.
    const name = eventOfMove(DESTINATION_EVENTS, previous?.state ?? 'STARTING', d.state)?.event;
    if (name) events.push(at(name, d));
    const recording = compositeRecordingChange(origin, previous, after, d, now);
    if (recording) events.push(recording);
  }
  if (session && !sessionFirst) events.push(at(session));
  return events;
}

/**
 * The events `ops` emit, in order. `before` is the store before the ops; records the ops put earlier in
 * the same change stand in for it, so a change that moves a record twice emits both moves.
 */
export function deriveEvents(ops: readonly Op[], before: Store, origin: Origin, now: number, options: DeriveOptions = {}): IvsEvent[] {
  const extras = options.extras ?? false;
  const participants = new Map<string, ParticipantRec>();
  const compositions = new Map<string, CompositionRec>();
  const participant = (sessionId: string, id: string) =>
    participants.get(participantKey({ sessionId, id })) ?? before.participants.get(sessionId)?.get(id);
  const events: IvsEvent[] = [];
  // What follows a reset in the same change replaces the state (a restored snapshot): nothing happened.
  const reset = ops.findIndex((op) => op.k === 'reset');
  for (const op of reset < 0 ? ops : ops.slice(0, reset)) {
    switch (op.k) {
      case 'event': {
        const p = participant(op.s, op.p);
        const event = p && stageUpdate(origin, p, op.e, extras);
        if (event) events.push(event);
        break;
      }
      case 'participant': {
        const event = recordingChange(origin, participant(op.v.sessionId, op.v.id), op.v, now);
        if (event) events.push(event);
        participants.set(participantKey(op.v), op.v);
        break;
      }
      case 'composition':
        events.push(...compositionChange(origin, compositions.get(op.v.arn) ?? before.compositions.get(op.v.arn), op.v, now, extras));
        compositions.set(op.v.arn, op.v);
        break;
      default:
        break;
    }
  }
  // Without `extras`, the events no source shows the service sending are left out (EXTRA_EVENT_NAMES).
  return extras ? events : events.filter((event) => !isExtraEvent(event.detail.event_name));
}

/** Event-table keys sort in commit order (see tables.ts); the sequence breaks ties within a millisecond. */
export function eventKey(timeMs: number, sequence: number): string {
  return `${String(Math.floor(timeMs)).padStart(15, '0')}.${String(sequence).padStart(9, '0')}`;
}

/** The ops that store `events` in the event log and the outbox. */
export function eventOps(events: readonly IvsEvent[], key: () => string): Op[] {
  const ops: Op[] = [];
  for (const event of events) {
    const k = key();
    ops.push({ k: 'aux', table: EVENT_LOG, key: k, v: event }, { k: 'aux', table: OUTBOX, key: k, v: event });
  }
  return ops;
}

/** The part of the Emulator that emitting events needs. */
interface EventSource {
  readonly accountId: string;
  readonly region: string;
  now(): number;
  addDeriver(derive: (ops: readonly Op[], store: Store) => Op[]): void;
}

/** From now on, every change `emu` commits carries the events it emits, in the same transaction. */
export function emitEvents(emu: EventSource, options: DeriveOptions = {}): void {
  const origin: Origin = { account: emu.accountId, region: emu.region };
  let sequence = 0;
  emu.addDeriver((ops, store) => {
    const events = deriveEvents(ops, store, origin, emu.now(), options);
    return events.length === 0 ? [] : eventOps(events, () => eventKey(emu.now(), sequence++));
  });
}
