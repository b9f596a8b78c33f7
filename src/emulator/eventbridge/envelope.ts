// IVS's EventBridge events: the catalogue of detail-types and event names, and the envelope exactly as
// EventBridge delivers it. Every field and its source are listed in docs/events.md.
import { randomUUID } from 'node:crypto';

const STAGE_UPDATE = 'IVS Stage Update';
const COMPOSITION_STATE_CHANGE = 'IVS Composition State Change';
const PARTICIPANT_RECORDING_STATE_CHANGE = 'IVS Participant Recording State Change';

type DetailType = typeof STAGE_UPDATE | typeof COMPOSITION_STATE_CHANGE | typeof PARTICIPANT_RECORDING_STATE_CHANGE;

/**
 * Each IVS Stage Update event, by the participant event (ListParticipantEvents) it follows: the deriver
 * (derive.ts) emits the one when the other is recorded, so a new one is a row here (and its docs and test).
 */
export const STAGE_EVENT_OF_PARTICIPANT_EVENT = {
  PUBLISH_STARTED: 'Participant Published',
  PUBLISH_STOPPED: 'Participant Unpublished',
  PUBLISH_ERROR: 'Participant Publish Error',
  REPLICATION_STARTED: 'Participant Replication Started',
  REPLICATION_STOPPED: 'Participant Replication Stopped',
  TOKEN_EXCHANGED: 'Token Exchanged',
} as const;

type StageEventNames = (typeof STAGE_EVENT_OF_PARTICIPANT_EVENT)[keyof typeof STAGE_EVENT_OF_PARTICIPANT_EVENT];

/** A state one event follows: the state moved `to`, from one of `from` if given, and from none of `notFrom`. */
interface StateMove {
  to: string;
  from?: readonly string[];
  notFrom?: readonly string[];
}

/**
 * Each IVS Composition State Change, by the state it follows: the composition's (`of: 'session'`), one of
 * its destinations' (a destination that comes with its composition moves from STARTING), or the
 * composite recording's of an S3 destination. The deriver (derive.ts) emits the one when the other
 * moves, so a new one is a row here (and its docs and test).
 */
export const COMPOSITION_EVENT_OF_STATE = [
  { event: 'Session Start', of: 'session', to: 'ACTIVE' },
  { event: 'Session End', of: 'session', to: 'STOPPED' },
  { event: 'Session Failure', of: 'session', to: 'FAILED' },
  { event: 'Destination Start', of: 'destination', to: 'ACTIVE', from: ['STARTING'] },
  { event: 'Destination End', of: 'destination', to: 'STOPPED' },
  { event: 'Destination Failure', of: 'destination', to: 'FAILED' },
  { event: 'Destination Reconnecting', of: 'destination', to: 'RECONNECTING' },
  { event: 'Composite Recording Start', of: 'composite recording', to: 'ACTIVE' },
  { event: 'Composite Recording End', of: 'composite recording', to: 'STOPPED' },
  { event: 'Composite Recording Failure', of: 'composite recording', to: 'FAILED' },
] as const satisfies readonly (StateMove & { event: string; of: 'session' | 'destination' | 'composite recording' })[];

/** The participant recording states in which a participant records (ParticipantRec.recordingState). */
const RECORDING: readonly string[] = ['ACTIVE', 'STOPPING'];

/**
 * Each IVS Participant Recording State Change, by the move of the participant's recording state it
 * follows (from a state in which it records, or from one in which it does not, none at all included):
 * one row each, as above.
 */
export const RECORDING_EVENT_OF_STATE = [
  { event: 'Recording Start', to: 'ACTIVE', notFrom: RECORDING },
  { event: 'Recording End', to: 'STOPPED', from: RECORDING },
  { event: 'Recording Start Failure', to: 'FAILED', notFrom: RECORDING },
  { event: 'Recording End Failure', to: 'FAILED', from: RECORDING },
] as const satisfies readonly (StateMove & { event: string })[];

/** The row of `table` that a move from `before` (undefined: no state yet) to `after` follows, if any. */
export function eventOfMove<Row extends StateMove>(table: readonly Row[], before: string | undefined, after: string): Row | undefined {
  if (before === after) return undefined;
  return table.find((row) => row.to === after && (row.from?.includes(before ?? '') ?? true) && !row.notFrom?.includes(before ?? ''));
}

/**
 * Every event name the emulator can send, by detail-type, as docs/events.md lists them: those the User
 * Guide documents (eventbridge.html) and the extras (EXTRA_EVENT_NAMES), sent only when asked for.
 */
export const EVENT_NAMES = {
  [STAGE_UPDATE]: Object.values(STAGE_EVENT_OF_PARTICIPANT_EVENT) as StageEventNames[],
  [COMPOSITION_STATE_CHANGE]: COMPOSITION_EVENT_OF_STATE.map((row) => row.event),
  [PARTICIPANT_RECORDING_STATE_CHANGE]: RECORDING_EVENT_OF_STATE.map((row) => row.event),
} as const satisfies Record<DetailType, readonly string[]>;

export type StageEventName = (typeof EVENT_NAMES)[typeof STAGE_UPDATE][number];
export type CompositionEventName = (typeof EVENT_NAMES)[typeof COMPOSITION_STATE_CHANGE][number];
type RecordingEventName = (typeof EVENT_NAMES)[typeof PARTICIPANT_RECORDING_STATE_CHANGE][number];
export type EventName = StageEventName | CompositionEventName | RecordingEventName;

/**
 * What the emulator sends only when asked (`--event-extras`, `events: { extras: true }`): events and fields
 * no source shows the service sending (docs/events.md, "Extras"). An app keyed on them would work locally
 * and do nothing in production, so they are never sent by default.
 */
const EXTRA_EVENT_NAMES: ReadonlySet<EventName> = new Set<EventName>([
  'Participant Replication Started',
  'Participant Replication Stopped',
  'Token Exchanged',
  // AWS sends no event for a composite recording ("play back or process recorded streams only after the
  // IVS Composition State Change (Session End) event", Composite Recording page): these are the emulator's.
  'Composite Recording Start',
  'Composite Recording End',
  'Composite Recording Failure',
]);

/** The composite recording's own events (extras), about one S3 destination of a composition. */
type CompositeRecordingEventName = Extract<(typeof COMPOSITION_EVENT_OF_STATE)[number], { of: 'composite recording' }>['event'];
const isCompositeRecordingEvent = (name: string): name is CompositeRecordingEventName =>
  COMPOSITION_EVENT_OF_STATE.some((row) => row.of === 'composite recording' && row.event === name);

export const isExtraEvent = (name: EventName): boolean => EXTRA_EVENT_NAMES.has(name);

/** `detail` of an IVS Stage Update, in the order of real payloads (docs/events.md, [PAYLOAD]). */
export interface StageUpdateDetail {
  session_id: string;
  event_name: StageEventName;
  /** The envelope's `time`. */
  event_time: string;
  user_id: string;
  participant_id: string;
  /** Extra: Participant Publish Error only. */
  error_code?: string;
  /** Extra: Participant Replication Started/Stopped only. */
  destination_stage_arn?: string;
  destination_session_id?: string;
}

/** `detail` of an IVS Composition State Change; `resources[0]` is the composition. */
interface CompositionDetail {
  event_name: CompositionEventName;
  stage_arn: string;
  /** Extra: destination events only; the composite recording events always. */
  destination_id?: string;
  /** The composite recording events (extras): where the recording is, as the destination's `detail.s3.recordingPrefix`. */
  recording_s3_bucket_name?: string;
  recording_s3_key_prefix?: string;
  /** Composite Recording End and Failure: the media recorded (the rendition playlist's duration). */
  recording_duration_ms?: number;
}

/** `detail` of an IVS Participant Recording State Change. */
export interface RecordingDetail {
  session_id: string;
  event_name: RecordingEventName;
  participant_id: string;
  recording_s3_bucket_name: string;
  recording_s3_key_prefix: string;
  /** Recording End only. */
  recording_duration_ms?: number;
}

type IvsDetail = StageUpdateDetail | CompositionDetail | RecordingDetail;

export interface IvsEvent {
  version: '0';
  id: string;
  'detail-type': DetailType;
  source: 'aws.ivs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: IvsDetail;
}

export interface Origin {
  account: string;
  region: string;
}

const DETAIL_TYPE_OF = new Map<string, DetailType>(
  (Object.entries(EVENT_NAMES) as [DetailType, readonly string[]][]).flatMap(([type, names]) => names.map((name) => [name, type] as const)),
);

export function detailTypeOf(name: EventName): DetailType {
  return DETAIL_TYPE_OF.get(name)!;
}

/** EventBridge's `time`: ISO-8601 to the second, in UTC. */
export function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `2024-01-01T12-00-55Z`: the last segment of a participant recording's S3 prefix, the time its recording started ([IPR]'s example event). */
export function prefixTimestamp(ms: number): string {
  return eventTime(ms).replace(/:/g, '-');
}

/** The envelope of one event; `resources[0]` is the stage, or the composition for composition events. */
export function envelope(origin: Origin, timeMs: number, resource: string, detail: IvsDetail): IvsEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypeOf(detail.event_name),
    source: 'aws.ivs',
    account: origin.account,
    time: eventTime(timeMs),
    region: origin.region,
    resources: [resource],
    detail,
  };
}

/** How long the sample Recording End's recording ran. */
const SAMPLE_DURATION_MS = 61_000;

interface SampleOptions extends Origin {
  timeMs: number;
  /** The stage the event is about (default: an invented one in the origin's account and region). */
  stageArn?: string;
  /** With the extras (EXTRA_EVENT_NAMES and the extra fields), as `--event-extras` sends them. */
  extras?: boolean;
}

/** The `detail` of an IVS Stage Update about `participantId`; the extra fields are the caller's to add. */
export function stageUpdateDetail(name: StageEventName, timeMs: number, who: { sessionId: string; userId?: string; participantId: string }): StageUpdateDetail {
  return { session_id: who.sessionId, event_name: name, event_time: eventTime(timeMs), user_id: who.userId ?? '', participant_id: who.participantId };
}

/** The `detail` of a composite recording event; the duration on End and Failure only. */
export function compositeRecordingDetail(
  name: CompositeRecordingEventName,
  stageArn: string,
  destinationId: string,
  where: { bucket: string; prefix: string },
  durationMs: number | undefined,
): CompositionDetail {
  const detail: CompositionDetail = { event_name: name, stage_arn: stageArn, destination_id: destinationId, recording_s3_bucket_name: where.bucket, recording_s3_key_prefix: where.prefix };
  if (name !== 'Composite Recording Start' && durationMs !== undefined) detail.recording_duration_ms = durationMs;
  return detail;
}

/**
 * A realistic envelope of any event, with invented ids where none are given (for `ivsrt events sample`
 * and `events send`, like `sam local generate-event`).
 */
export function sampleEvent(name: EventName, options: SampleOptions): IvsEvent {
  if (isExtraEvent(name) && !options.extras) throw new RangeError(`${name} is an extra: the emulator sends it only with --event-extras`);
  const arn = (type: string, id: string) => `arn:aws:ivs:${options.region}:${options.account}:${type}/${id}`;
  const stageArn = options.stageArn ?? arn('stage', 'AbCdef1G2hij');
  const stageId = stageArn.slice(stageArn.lastIndexOf('/') + 1);
  const sessionId = 'st-ZyXwvu1T2sRqP';
  const participantId = 'xYz1c2d3e4fG';
  const at = (resource: string, detail: IvsDetail) => envelope(options, options.timeMs, resource, detail);
  switch (detailTypeOf(name)) {
    case STAGE_UPDATE: {
      const detail = stageUpdateDetail(name as StageEventName, options.timeMs, { sessionId, userId: 'alice', participantId });
      if (options.extras && name === 'Participant Publish Error') detail.error_code = 'INSUFFICIENT_CAPABILITIES';
      if (name === 'Participant Replication Started' || name === 'Participant Replication Stopped') {
        detail.destination_stage_arn = arn('stage', 'KlMnop3Q4rst');
        detail.destination_session_id = 'st-AbCdEfGhIjKlM';
      }
      return at(stageArn, detail);
    }
    case COMPOSITION_STATE_CHANGE: {
      const compositionId = 'cOmP0s1t10n1';
      const destinationId = 'dEsT1nAt10n1';
      if (isCompositeRecordingEvent(name)) {
        // The prefix's first segment is an id of its own, not the stage's (behaviour notes, StartComposition).
        const prefix = `MNALAcH9j2EJ/${compositionId}/${destinationId}/composite`;
        return at(arn('composition', compositionId), compositeRecordingDetail(name, stageArn, destinationId, { bucket: 'ivs-recordings', prefix }, SAMPLE_DURATION_MS));
      }
      const detail: CompositionDetail = { event_name: name as CompositionEventName, stage_arn: stageArn };
      if (options.extras && name.startsWith('Destination ')) detail.destination_id = destinationId;
      return at(arn('composition', compositionId), detail);
    }
    case PARTICIPANT_RECORDING_STATE_CHANGE: {
      const detail: RecordingDetail = {
        session_id: sessionId,
        event_name: name as RecordingEventName,
        participant_id: participantId,
        recording_s3_bucket_name: 'ivs-recordings',
        recording_s3_key_prefix: `${stageId}/${sessionId}/${participantId}/${prefixTimestamp(options.timeMs - (name === 'Recording End' ? SAMPLE_DURATION_MS : 0))}`,
      };
      if (name === 'Recording End') detail.recording_duration_ms = SAMPLE_DURATION_MS;
      return at(stageArn, detail);
    }
  }
}
