// The emulator's own routes under /_ivsrt/ as one contract: each route's method, path, request and reply.
// The server's handlers (admin.ts) are typed by it and the client (src/local/admin-client.ts) sends by
// it, so a route whose two sides disagree fails the type check. Types and one small table only: the
// client loads it without loading the emulator.
import type { InputOf } from '../../model/api.js';
import type { Seed } from '../domain/seed-document.js';
import type { MediaStats } from '../media/whip/meter.js';
import type { WhipSubscriber } from '../media/whip/subscribe.js';
import type { CompositionRenditionStatus } from '../media/composition/renderer.js';
import type { TargetBacklog } from '../eventbridge/delivery.js';
import type { ParticipantTokenResult } from '../domain/stages.js';
import type { ParticipantView } from '../domain/views.js';

export type { ParticipantTokenResult, ParticipantView };

/** What the tools show of the emulator's measurements of a WHIP publisher's media (the route sends all of its MediaStats). */
export type MeasuredMedia = Pick<MediaStats, 'videoCodec' | 'audioCodec' | 'width' | 'height' | 'frameRate' | 'bitrate'>;

export const ADMIN_PREFIX = '/_ivsrt/';

/** What every route that acts on a participant answers: the participant after the change, and where it is. */
export interface JoinResult {
  participant: ParticipantView;
  stageArn: string;
  sessionId: string;
}

export type Capability = 'PUBLISH' | 'SUBSCRIBE';
export type ClientInfo = Partial<Record<'ispName' | 'osName' | 'osVersion' | 'browserName' | 'browserVersion' | 'sdkVersion', string>>;

export interface JoinRequest {
  /** Join with a participant token (emulator-issued or self-signed)... */
  token?: string;
  /** ...or, trusted, straight onto a stage. */
  stageArn?: string;
  participantId?: string;
  userId?: string;
  attributes?: Record<string, string>;
  capabilities?: Capability[];
  publish?: boolean;
  protocol?: 'UNKNOWN' | 'WHIP' | 'RTMP' | 'RTMPS';
  clientInfo?: ClientInfo;
}

/** Many leave and join in one request, applied in one commit (the crowd simulator's tick). */
export interface CrowdRequest {
  stageArn: string;
  /** Ids of connected participants who leave (first). */
  leave?: string[];
  /** Newcomers, joined without tokens. */
  join?: Pick<JoinRequest, 'userId' | 'attributes' | 'capabilities' | 'publish' | 'clientInfo'>[];
  /** Newcomers who do not publish subscribe to everyone publishing on the stage. */
  subscribe?: boolean;
}

export interface CrowdResult {
  sessionId?: string;
  /** Who joined, in the order asked, and whether they publish (a publisher over the stage's quota does not). */
  joined: { participantId: string; userId?: string; published: boolean }[];
  left: string[];
  /** What the stage refused (a quota, someone who had already left), one line each; the rest went ahead. */
  refused: string[];
}

/** A participant already on a stage: by stage and id, or by the token it joined with. */
export type ParticipantRef = { stageArn: string; participantId: string } | { token: string };

/** A participant publishing real media over WHIP, with what the emulator measures (src/emulator/media/whip). */
export interface WhipPublisherStatus {
  participantId: string;
  userId?: string;
  stageArn: string;
  sessionId: string;
  sessionUrl: string;
  connectionState: string;
  /** When the offer was posted, and when media started to flow (ISO). */
  postedAt?: string;
  publishStartedAt?: string;
  /** What the tools show of the measured media (the route sends all of the emulator's MediaStats). */
  media: MeasuredMedia;
}

/** One rendition of an ACTIVE composition the emulator renders, as the media layer reports it (renderer.ts). */
export type { CompositionRenditionStatus };

/** A WHIP subscription (`<whip_url>/subscribe/<publisherId>`) and what it has forwarded, as the media layer keeps it, its POST time in ISO 8601. */
export type WhipSubscriberStatus = Omit<WhipSubscriber, 'postedAt'> & { postedAt: string };

export interface AdminStatus {
  pid: number;
  url: string;
  dataDir: string | null;
  region: string;
  accountId: string;
  version: string;
  startedAt: string;
  memory: { rssBytes: number; heapUsedBytes: number };
  clock: { now: string; speed: number; advancedSeconds: number };
  counts: Record<string, number>;
  whipPublishers: WhipPublisherStatus[];
  /** Event delivery: events still owed to some target, and each target's backlog (docs/events.md, "Delivery"). */
  events: { pending: number; targets: TargetBacklog[] };
}

export interface BucketFaultResult {
  bucket: string;
  broken: boolean;
  /** What broke at once: recordings in progress, and running composition destinations writing to the bucket. */
  failedRecordings: number;
  failedDestinations: number;
}

/** What the event stream (POST events) is asked for. */
export interface StreamRequest {
  /** ISO-8601 time, or a duration before the emulator's now (`10m`); without it, no history. */
  since?: string;
  /** Only events about this stage (its ARN in `resources` or `detail.stage_arn`). */
  stageArn?: string;
  /** An EventBridge pattern events must match. */
  pattern?: unknown;
  /** Keep the response open and stream new events (default true). */
  follow?: boolean;
  /** Only events this target (its URL, `exec:<command>`, or its rule-qualified id) has acknowledged, each once it has. */
  deliveredTo?: string;
}

/** The reply of a route that writes its response itself (NDJSON), which the client reads as a stream. */
export interface StreamedReply {
  readonly streamed: true;
}

interface Route<Method extends 'GET' | 'POST', Request, Reply> {
  method: Method;
  request: Request;
  reply: Reply;
}

type Joined<Request> = Route<'POST', Request, JoinResult>;

export interface AdminRoutes {
  status: Route<'GET', undefined, AdminStatus>;
  /** The WHIP publishers of every stage with their measured media, and the subscriptions: what changes by the second. */
  media: Route<'GET', undefined, { whipPublishers: WhipPublisherStatus[]; whipSubscribers: WhipSubscriberStatus[]; compositionRenditions: CompositionRenditionStatus[] }>;
  /** The configured state in the seed format (src/emulator/domain/seed.ts). */
  export: Route<'GET', undefined, Seed>;
  join: Joined<JoinRequest>;
  leave: Joined<ParticipantRef>;
  crowd: Route<'POST', CrowdRequest, CrowdResult>;
  publish: Joined<ParticipantRef>;
  unpublish: Joined<ParticipantRef>;
  subscribe: Joined<ParticipantRef & { publisherId: string }>;
  unsubscribe: Joined<ParticipantRef & { publisherId: string }>;
  /** The client SDK's exchangeToken: a connected participant swaps its token for another. */
  exchange: Joined<{ token: string; newToken: string }>;
  /** Like CreateParticipantToken, without SigV4. */
  token: Route<'POST', InputOf<'CreateParticipantToken'>, { participantToken: ParticipantTokenResult }>;
  /** An RTMP(S) encoder connecting with a stream key. */
  ingest: Joined<{ streamKey: string; protocol?: 'RTMP' | 'RTMPS' }>;
  /** Output to a composition's destination is interrupted: RECONNECTING, then FAILED (at once with `now`). */
  failDestination: Route<'POST', { compositionArn: string; destinationId?: string; now?: boolean }, { composition: Record<string, unknown> }>;
  /** Recordings and S3 destinations writing to `bucket` fail until the fault is cleared. */
  failBucket: Route<'POST', { bucket: string; clear?: boolean }, BucketFaultResult>;
  /** A participant's current recording fails (to start, or to end). */
  failRecording: Joined<{ stageArn: string; participantId: string }>;
  clock: Route<'POST', { advanceSeconds: number }, { now: string; advancedSeconds: number }>;
  reset: Route<'POST', Record<string, never>, { reset: true }>;
  shutdown: Route<'POST', Record<string, never>, { shuttingDown: true }>;
  /** The event stream (NDJSON): history from `since`, then every event as it is committed. */
  events: Route<'POST', StreamRequest, StreamedReply>;
}

export type AdminRoute = keyof AdminRoutes;
export type AdminRequest<R extends AdminRoute> = AdminRoutes[R]['request'];
export type AdminReply<R extends AdminRoute> = AdminRoutes[R]['reply'];
/** The routes answering with a stream, and those answering with one JSON document. */
export type StreamRoute = { [R in AdminRoute]: AdminReply<R> extends StreamedReply ? R : never }[AdminRoute];
export type JsonRoute = Exclude<AdminRoute, StreamRoute>;

/** Each route's method and path under ADMIN_PREFIX: the server dispatches by it and the client sends by it. */
export const ADMIN_ENDPOINTS: { readonly [R in AdminRoute]: { method: AdminRoutes[R]['method']; path: string } } = {
  status: { method: 'GET', path: 'status' },
  media: { method: 'GET', path: 'media' },
  export: { method: 'GET', path: 'export' },
  join: { method: 'POST', path: 'join' },
  leave: { method: 'POST', path: 'leave' },
  crowd: { method: 'POST', path: 'crowd' },
  publish: { method: 'POST', path: 'publish' },
  unpublish: { method: 'POST', path: 'unpublish' },
  subscribe: { method: 'POST', path: 'subscribe' },
  unsubscribe: { method: 'POST', path: 'unsubscribe' },
  exchange: { method: 'POST', path: 'exchange' },
  token: { method: 'POST', path: 'token' },
  ingest: { method: 'POST', path: 'ingest' },
  failDestination: { method: 'POST', path: 'fail/destination' },
  failBucket: { method: 'POST', path: 'fail/bucket' },
  failRecording: { method: 'POST', path: 'fail/recording' },
  clock: { method: 'POST', path: 'clock' },
  reset: { method: 'POST', path: 'reset' },
  shutdown: { method: 'POST', path: 'shutdown' },
  events: { method: 'POST', path: 'events' },
};

/** The routes of the faults `ivsrt local fail` switches on. */
export type FaultRoute = Extract<AdminRoute, `fail${string}`>;
/** Each fault's subject on the command line, and its route: `bucket` for failBucket. */
type FaultRoutes = { [R in FaultRoute as R extends `fail${infer S}` ? Uncapitalize<S> : never]: R };
export type FaultSubject = keyof FaultRoutes;
export type FaultRouteOf<S extends FaultSubject> = FaultRoutes[S];

/**
 * A fault the local tools switch on: its route (above), and how `ivsrt local fail <subject>` fills the
 * route's request. commands/local/fail.ts is made from this table, so a new fault is its route here, its
 * handler in admin.ts, and a test.
 */
export interface FaultKnob<R extends FaultRoute> {
  route: R;
  /** Its sentence in the verb's help. */
  help: string;
  examples: { command: string; description?: string }[];
  /** The argument after the subject: the request member it fills, how the help and a missing one name it, and the resource kind it names (resolved to an ARN). */
  target: { member: keyof AdminRequest<R> & string; what: string; missing: string; resource?: 'composition' | 'stage' };
  /** Flags of this subject only, each filling a request member (a flag may stand in for an argument: `--stage` for the target). */
  flags: { flags: string; member: keyof AdminRequest<R> & string; description: string; hidden?: boolean; required?: boolean }[];
  /** The message when a needed argument or flag is missing (default: the target's `missing`). */
  needs?: string;
  /** What the verb prints: this member of the reply (default: all of it). */
  output?: keyof AdminReply<R> & string;
  /** A line for stderr once the fault is in place. */
  report?: (reply: AdminReply<R>) => string;
}

/** Each fault by its subject on the command line (`ivsrt local fail destination ...`), typed by its route. */
export type FaultKnobs = { [S in FaultSubject]: FaultKnob<FaultRouteOf<S>> };

export const FAULT_KNOBS: FaultKnobs = {
  destination: {
    route: 'failDestination',
    help:
      '"destination <composition>": output to a destination is interrupted, RECONNECTING ("Destination Reconnecting"), and FAILED ("Destination Failure") ' +
      'after 30 s on the emulator clock, or at once with --now; a composition with no destination left fails ("Session Failure").',
    examples: [
      { command: 'ivsrt local fail destination s2AdaGUbvQgp', description: 'the destination reconnects, then fails 30 s later (advance with `ivsrt local clock`)' },
      { command: 'ivsrt local fail destination s2AdaGUbvQgp --destination 2pBRKrNgX1ff --now' },
    ],
    target: { member: 'compositionArn', what: 'the composition (ARN or id)', missing: 'composition', resource: 'composition' },
    flags: [
      { flags: '--destination <id>', member: 'destinationId', description: 'destination: which destination of the composition (default: the first running one)' },
      { flags: '--now', member: 'now', description: 'destination: fail at once, without reconnecting first' },
    ],
    output: 'composition',
  },
  bucket: {
    route: 'failBucket',
    help:
      '"bucket <name>": the S3 bucket is unusable until --clear: recordings to it fail to start ("Recording Start Failure") or end with a failure ' +
      '("Recording End Failure"), and S3 destinations writing to it fail.',
    examples: [
      { command: 'ivsrt local fail bucket ivs-recordings', description: 'recordings to the bucket fail until --clear' },
      { command: 'ivsrt local fail bucket ivs-recordings --clear' },
    ],
    target: { member: 'bucket', what: 'the bucket name', missing: 'bucket name' },
    flags: [{ flags: '--clear', member: 'clear', description: 'bucket: the bucket works again' }],
    report: (result) =>
      result.broken
        ? `Bucket ${result.bucket} is broken: ${result.failedRecordings} recording(s) and ${result.failedDestinations} destination(s) failed now; later ones fail until --clear.`
        : `Bucket ${result.bucket} works again.`,
  },
  recording: {
    route: 'failRecording',
    help: '"recording STAGE PARTICIPANT": that participant\'s current recording fails now.',
    examples: [{ command: 'ivsrt local fail recording demo AbCdEfGh1234' }],
    target: { member: 'stageArn', what: 'the stage (ARN, id or name)', missing: 'stage', resource: 'stage' },
    flags: [
      { flags: '--stage <stage>', member: 'stageArn', description: 'recording: the stage (the positional argument)', hidden: true },
      { flags: '--participant <id>', member: 'participantId', description: 'recording: the participant id (the positional argument)', hidden: true, required: true },
    ],
    needs: '"fail recording" needs the stage and the participant: `ivsrt local fail recording studio AbCdEfGh1234`',
    output: 'participant',
  },
};
