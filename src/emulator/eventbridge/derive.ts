// Which EventBridge events a committed change emits. The deriver sees the change's ops and the store as
// it was before them, so each event is a difference between before and after: a participant event
// that IVS also reports on EventBridge, a recording state that moved, a composition or destination
// state that moved. The envelopes go into the event tables in the same transaction as the change.
import { participantKey, type CompositionRec, type DestinationRec, type EventRec, type Op, type ParticipantRec, type Store } from '../state/store.js';
import {
  compositeRecordingDetail,
  envelope,
  isExtraEvent,
  STAGE_EVENT_OF_PARTICIPANT_EVENT,
  stageUpdateDetail,
  type CompositeRecordingEventName,
  type CompositionEventName,
  type IvsEvent,
  type Origin,
  type RecordingDetail,
  type RecordingEventName,
  type StageEventName,
} from './envelope.js';
import { EVENT_LOG, OUTBOX } from './tables.js';

/** Participant events (ListParticipantEvents) that IVS also sends as an IVS Stage Update. */
const STAGE_EVENT_OF: Partial<Record<string, StageEventName>> = STAGE_EVENT_OF_PARTICIPANT_EVENT;

const RECORDING = new Set(['ACTIVE', 'STOPPING']);

/**
 * What IVS sends and what the emulator only guesses: with `extras` off, no event or field without a source
 * (envelope.ts EXTRA_EVENT_NAMES; docs/events.md, "Extras") is emitted.
 */
export interface DeriveOptions {
  extras?: boolean;
}

function stageUpdate(origin: Origin, p: ParticipantRec, e: EventRec, extras: boolean): IvsEvent | undefined {
  const name = STAGE_EVENT_OF[e.name];
  if (!name) return undefined;
  // Extras: the unsourced events, and a replica's publishing as seen on its destination stage.
  if (!extras && (isExtraEvent(name) || p.replicationType === 'REPLICA')) return undefined;
  const detail = stageUpdateDetail(name, e.time, { sessionId: p.sessionId, userId: p.userId, participantId: p.id });
  if (extras && e.errorCode !== undefined) detail.error_code = e.errorCode;
  if (e.destinationStageArn !== undefined) detail.destination_stage_arn = e.destinationStageArn;
  if (e.destinationSessionId !== undefined) detail.destination_session_id = e.destinationSessionId;
  return envelope(origin, e.time, p.stageArn, detail);
}

function recordingEventName(before: string | undefined, after: string | undefined): RecordingEventName | undefined {
  if (before === after) return undefined;
  if (after === 'ACTIVE' && !RECORDING.has(before ?? '')) return 'Recording Start';
  if (after === 'STOPPED' && RECORDING.has(before ?? '')) return 'Recording End';
  if (after === 'FAILED') return RECORDING.has(before ?? '') ? 'Recording End Failure' : 'Recording Start Failure';
  return undefined;
}

function recordingChange(origin: Origin, before: ParticipantRec | undefined, after: ParticipantRec, now: number): IvsEvent | undefined {
  const name = recordingEventName(before?.recordingState, after.recordingState);
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

function destinationEventName(before: string | undefined, after: string): CompositionEventName | undefined {
  if (before === after) return undefined;
  switch (after) {
    case 'ACTIVE': return before === 'STARTING' || before === undefined ? 'Destination Start' : undefined;
    case 'RECONNECTING': return 'Destination Reconnecting';
    case 'FAILED': return 'Destination Failure';
    case 'STOPPED': return 'Destination End';
    default: return undefined;
  }
}

const COMPOSITE_RECORDING_EVENT: Record<NonNullable<DestinationRec['recording']>['state'], CompositeRecordingEventName> = {
  ACTIVE: 'Composite Recording Start',
  STOPPED: 'Composite Recording End',
  FAILED: 'Composite Recording Failure',
};

/** Extra: the composite recording of S3 destination `d` moved (its first segment, or its closing file, was written). */
function compositeRecordingChange(origin: Origin, before: DestinationRec | undefined, c: CompositionRec, d: DestinationRec, now: number): IvsEvent | undefined {
  if (!d.recording || d.recording.state === before?.recording?.state) return undefined;
  const where = { bucket: d.recording.bucket, prefix: d.detail?.s3.recordingPrefix ?? '' };
  return envelope(origin, now, c.arn, compositeRecordingDetail(COMPOSITE_RECORDING_EVENT[d.recording.state], c.stageArn, d.id, where, d.recording.durationMs));
}

function compositionChange(origin: Origin, before: CompositionRec | undefined, after: CompositionRec, now: number, extras: boolean): IvsEvent[] {
  const at = (event_name: CompositionEventName, destination?: DestinationRec) =>
    envelope(origin, now, after.arn, destination && extras ? { event_name, stage_arn: after.stageArn, destination_id: destination.id } : { event_name, stage_arn: after.stageArn });
  const events: IvsEvent[] = [];
  const was = before?.state;
  // Session Start comes before the destinations start; Destination End comes before Session End (ssc-overview).
  if (after.state === 'ACTIVE' && was !== 'ACTIVE') events.push(at('Session Start'));
  for (const d of after.destinations) {
    const previous = before?.destinations.find((b) => b.id === d.id);
    const name = destinationEventName(previous?.state ?? (before ? undefined : 'STARTING'), d.state);
    if (name) events.push(at(name, d));
    const recording = extras ? compositeRecordingChange(origin, previous, after, d, now) : undefined;
    if (recording) events.push(recording);
  }
  if (after.state !== was) {
    if (after.state === 'STOPPED') events.push(at('Session End'));
    if (after.state === 'FAILED') events.push(at('Session Failure'));
  }
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
  for (const op of ops) {
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
      case 'reset':
        // What follows a reset in the same change replaces the state (a restored snapshot): nothing happened.
        return events;
      default:
        break;
    }
  }
  return events;
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
export interface EventSource {
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
