// The emulator's own routes under /_ivsrt/: the local tooling's control panel and the stand-in for
// real media clients (join, publish, subscribe, RTMP ingest). No SigV4: they answer loopback callers only.
// Each route's request and reply are declared once, in admin-contract.ts, which the client sends by.
import {
  admit,
  connectedParticipant,
  current,
  exchangeToken,
  joinStage,
  latestParticipant,
  leaveStage,
  publish,
  sessionMembers,
  subscribe,
  unpublish,
  unsubscribe,
  type Joiner,
} from '../domain/activity.js';
import { failDestinationsWritingTo, interruptDestination } from '../domain/composition-lifecycle.js';
import { ADMIN_ENDPOINTS, type AdminReply, type AdminRequest, type AdminRoute, type JoinResult, type WhipPublisherStatus } from './admin-contract.js';
import type { Emulator } from '../domain/emulator.js';
import { ApiError, conflict, notFound, validationError } from '../state/errors.js';
import type { EventBus } from '../eventbridge/bus.js';
import { openEventStream, readStreamRequest } from './event-stream.js';
import { setBucketFault } from '../domain/faults.js';
import { ingestConnect } from '../domain/ingest.js';
import { participantToken } from '../domain/stages.js';
import { newResourceId } from '../domain/ids.js';
import { failRecording, isRecording, recordingsTo } from '../domain/recording.js';
import { exportSeed } from '../domain/seed.js';
import type { ParticipantRec } from '../state/store.js';
import { TokenError } from '../domain/tokens.js';
import { validateInput } from '../domain/validation.js';
import { capabilityBits, compositionView, iso, participantView } from '../domain/views.js';
import type { CompositionRenderer } from '../media/composition/renderer.js';
import type { WhipIngest, WhipPublisher } from '../media/whip/ingest.js';

/** What the admin routes act on beyond the Emulator: the whole running instance (src/emulator/assemble.ts makes it). */
export interface AdminControl {
  /** The event bus: the events route streams it, the status route reports its deliveries. */
  bus: EventBus;
  info(): { pid: number; url: string; dataDir: string | null; region: string; accountId: string; version: string; startedAt: number };
  reset(): void;
  shutdown(): void;
  /** The WHIP ingest, once the front listens and the media is made (none before). */
  whip(): Pick<WhipIngest, 'publishers' | 'subscribers'> | undefined;
  /** The composition renderer, made with the WHIP ingest (none before). */
  renderer(): Pick<CompositionRenderer, 'renditions'> | undefined;
}

type KeysOf<T> = T extends unknown ? keyof T : never;
/**
 * A request as it arrives: JSON from a client, whose members the handler checks before use. Only the
 * members the contract declares can be read, so a handler cannot rely on one the client never sends.
 */
type Untrusted<T> = { readonly [K in KeysOf<T> & string]?: unknown };
export type AdminHandler<R extends AdminRoute> = (emu: Emulator, body: Untrusted<AdminRequest<R>>, control: AdminControl) => AdminReply<R> | Promise<AdminReply<R>>;

function str<B extends object>(body: B, name: keyof B & string): string {
  const v = body[name];
  if (typeof v !== 'string' || v === '') throw validationError(`1 validation error detected: ${name} must be a non-empty string`);
  return v;
}

function optionalStr<B extends object>(body: B, name: keyof B & string): string | undefined {
  return body[name] === undefined ? undefined : str(body, name);
}

function bool<B extends object>(body: B, name: keyof B & string): boolean {
  const v = body[name];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw validationError(`1 validation error detected: ${name} must be true or false`);
  return v;
}

const CLIENT_FIELDS = ['ispName', 'osName', 'osVersion', 'browserName', 'browserVersion', 'sdkVersion'];

function clientInfo(body: Untrusted<AdminRequest<'join'>>): Record<string, string> | undefined {
  const info = body.clientInfo as Record<string, unknown> | null | undefined;
  if (info === undefined) return undefined;
  if (typeof info !== 'object' || info === null) throw validationError('1 validation error detected: clientInfo must be an object');
  const out: Record<string, string> = {};
  for (const field of CLIENT_FIELDS) {
    if (info[field] === undefined) continue;
    validateInput('ParticipantClientAttribute', info[field]);
    out[field] = info[field] as string;
  }
  return out;
}

/** The participant a body names: `{stageArn, participantId}`, or the `{token}` it joined with. */
function named(emu: Emulator, body: Untrusted<AdminRequest<'leave'>>): ParticipantRec {
  if (typeof body.token === 'string') {
    // Expiry is irrelevant here: an expired token still names the participant that joined with it.
    const grant = emu.tokens.verify(body.token, (arn) => emu.store.keys.get(arn)?.publicKeyMaterial, 0);
    return connectedParticipant(emu, emu.stage(grant.stageArn), grant.participantId);
  }
  return connectedParticipant(emu, emu.stage(str(body, 'stageArn')), str(body, 'participantId'));
}

function joined(p: ParticipantRec): JoinResult {
  return { participant: participantView(p), stageArn: p.stageArn, sessionId: p.sessionId };
}

const status: AdminHandler<'status'> = (emu, _body, control) => {
  const { store } = emu;
  let connected = 0;
  let participants = 0;
  let activeSessions = 0;
  for (const stage of store.stages.values()) if (stage.activeSessionId) activeSessions++;
  for (const members of store.participants.values()) {
    participants += members.size;
    connected += members.connected;
  }
  const info = control.info();
  const memory = process.memoryUsage();
  const { bus } = control;
  return {
    ...info,
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    startedAt: iso(info.startedAt),
    clock: { now: iso(emu.now()), speed: emu.clock.speed, advancedSeconds: emu.clock.offsetMs / 1000 },
    counts: {
      stages: store.stages.size,
      sessions: store.sessions.size,
      activeSessions,
      participants,
      connectedParticipants: connected,
      compositions: store.compositions.size,
      encoderConfigurations: store.encoders.size,
      storageConfigurations: store.storages.size,
      ingestConfigurations: store.ingests.size,
      publicKeys: store.keys.size,
    },
    whipPublishers: (control.whip()?.publishers() ?? []).map(publisherView),
    events: { pending: bus.pendingDeliveries, targets: bus.backlog },
  };
};

/** A WHIP publisher as the local tools show it: times in ISO form, the measured media as is. */
function publisherView(p: WhipPublisher): WhipPublisherStatus {
  return { ...p, postedAt: iso(p.postedAt), publishStartedAt: p.publishStartedAt === undefined ? undefined : iso(p.publishStartedAt) };
}

const media: AdminHandler<'media'> = (_emu, _body, control) => ({
  whipPublishers: (control.whip()?.publishers() ?? []).map(publisherView),
  whipSubscribers: (control.whip()?.subscribers() ?? []).map((s) => ({ ...s, postedAt: iso(s.postedAt) })),
  compositionRenditions: control.renderer()?.renditions() ?? [],
});

const join: AdminHandler<'join'> = (emu, body) => {
  let who: Joiner;
  let stageArn: string;
  if (body.token !== undefined) {
    const { stage, grant } = admit(emu, str(body, 'token'));
    stageArn = stage.arn;
    who = grant;
  } else {
    // Without a token the caller is trusted (it is the local tooling); it names the stage directly.
    stageArn = str(body, 'stageArn');
    const { userId, attributes, capabilities } = body;
    validateInput('ParticipantTokenConfiguration', { userId, attributes, capabilities });
    const participantId = optionalStr(body, 'participantId') ?? newResourceId();
    validateInput('ParticipantTokenId', participantId);
    // The model check above vouches for these members' types.
    who = { participantId, userId: userId as string | undefined, attributes: attributes as Record<string, string> | undefined, capabilities: capabilityBits(capabilities as string[] | undefined) };
  }
  const protocol = optionalStr(body, 'protocol');
  if (protocol !== undefined) validateInput('ParticipantProtocol', protocol);
  const p = joinStage(emu, emu.stage(stageArn), who, { clientInfo: clientInfo(body), protocol });
  if (bool(body, 'publish')) publish(emu, p);
  return joined(current(emu, p));
};

/** What a crowd request asks of one newcomer (body `join[]`), checked. */
interface CrowdJoin {
  userId?: string;
  attributes?: Record<string, string>;
  capabilities?: string[];
  publish: boolean;
  clientInfo?: Record<string, string>;
}

/**
 * A crowd's change in one request (`ivsrt local simulate`): `leave` (participant ids) leave, then `join`
 * newcomers join trusted, without tokens, some publishing; with `subscribe`, those who do not publish
 * subscribe to everyone publishing on the stage. It all happens in one turn, so in one batch of changes
 * and one commit, however large the crowd. The body is checked whole before anything changes; what the
 * stage then refuses one participant is reported and the rest goes ahead.
 */
const crowd: AdminHandler<'crowd'> = (emu, body) => {
  const stageArn = emu.stage(str(body, 'stageArn')).arn;
  const leaving = body.leave ?? [];
  if (!Array.isArray(leaving) || leaving.some((id) => typeof id !== 'string')) throw validationError('1 validation error detected: leave must be a list of participant ids');
  const requested = body.join ?? [];
  if (!Array.isArray(requested)) throw validationError('1 validation error detected: join must be a list');
  const joining: CrowdJoin[] = requested.map((spec: unknown, i: number) => {
    if (typeof spec !== 'object' || spec === null) throw validationError(`1 validation error detected: join[${i}] must be an object`);
    const { userId, attributes, capabilities } = spec as Untrusted<AdminRequest<'join'>>;
    validateInput('ParticipantTokenConfiguration', { userId, attributes, capabilities });
    const checked = spec as Untrusted<AdminRequest<'join'>>;
    return { userId, attributes, capabilities, publish: bool(checked, 'publish'), clientInfo: clientInfo(checked) } as CrowdJoin;
  });
  const subscribing = bool(body, 'subscribe');
  const result: AdminReply<'crowd'> = { joined: [], left: [], refused: [] };
  /** Runs one participant's part; a refusal of the service's kind is reported, anything else is a bug and fails the request. */
  const attempt = (who: string, work: () => void): boolean => {
    try {
      work();
      return true;
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof TokenError)) throw error;
      result.refused.push(`${who}: ${error.message}`);
      return false;
    }
  };

  for (const id of leaving) {
    if (attempt(id, () => leaveStage(emu, connectedParticipant(emu, emu.stage(stageArn), id)))) result.left.push(id);
  }
  const newcomers: ParticipantRec[] = [];
  for (const spec of joining) {
    const who: Joiner = { participantId: newResourceId(), userId: spec.userId, attributes: spec.attributes, capabilities: capabilityBits(spec.capabilities) };
    attempt(spec.userId ?? who.participantId, () => {
      const p = joinStage(emu, emu.stage(stageArn), who, { clientInfo: spec.clientInfo });
      const joined = { participantId: p.id, userId: p.userId, published: false };
      newcomers.push(p);
      result.joined.push(joined);
      if (spec.publish) {
        publish(emu, p);
        joined.published = true;
      }
    });
  }
  const sessionId = emu.stage(stageArn).activeSessionId;
  if (subscribing && sessionId) {
    const publishers = [...sessionMembers(emu, sessionId).values()].filter((p) => p.connected && p.publishing).map((p) => p.id);
    for (const p of newcomers) {
      if (current(emu, p).publishing) continue;
      for (const publisherId of publishers) attempt(p.userId ?? p.id, () => subscribe(emu, current(emu, p), publisherId));
    }
  }
  result.sessionId = sessionId;
  return result;
};

const leave: AdminHandler<'leave'> = (emu, body) => {
  const p = named(emu, body);
  leaveStage(emu, p);
  return joined(current(emu, p));
};

const startPublishing: AdminHandler<'publish'> = (emu, body) => {
  const p = named(emu, body);
  publish(emu, p);
  return joined(current(emu, p));
};

const stopPublishing: AdminHandler<'unpublish'> = (emu, body) => {
  const p = named(emu, body);
  unpublish(emu, p);
  return joined(current(emu, p));
};

const startSubscribing: AdminHandler<'subscribe'> = (emu, body) => {
  const p = named(emu, body);
  subscribe(emu, p, str(body, 'publisherId'));
  return joined(current(emu, p));
};

const stopSubscribing: AdminHandler<'unsubscribe'> = (emu, body) => {
  const p = named(emu, body);
  unsubscribe(emu, p, str(body, 'publisherId'));
  return joined(current(emu, p));
};

const exchange: AdminHandler<'exchange'> = (emu, body) => {
  const keyOf = (arn: string) => emu.store.keys.get(arn)?.publicKeyMaterial;
  // The current token may have expired meanwhile (that is why clients exchange); the new one may not.
  const previous = emu.tokens.verify(str(body, 'token'), keyOf, 0);
  const next = emu.tokens.verify(str(body, 'newToken'), keyOf, emu.now());
  const p = connectedParticipant(emu, emu.stage(previous.stageArn), previous.participantId);
  exchangeToken(emu, p, previous, next);
  return joined(current(emu, p));
};

const token: AdminHandler<'token'> = (emu, body) => {
  validateInput('CreateParticipantTokenRequest', body);
  // The model check above vouches for the request.
  const request = body as AdminRequest<'token'>;
  return { participantToken: participantToken(emu, emu.stage(str(body, 'stageArn')), request, '') };
};

const ingest: AdminHandler<'ingest'> = (emu, body) => {
  const protocol = optionalStr(body, 'protocol');
  if (protocol !== undefined) validateInput('IngestProtocol', protocol);
  return joined(ingestConnect(emu, str(body, 'streamKey'), protocol));
};

const failDestination: AdminHandler<'failDestination'> = (emu, body) => {
  const destinationId = optionalStr(body, 'destinationId');
  return { composition: compositionView(interruptDestination(emu, str(body, 'compositionArn'), destinationId, bool(body, 'now'))) };
};

/**
 * Breaks a bucket (or repairs it, with `clear`): recordings to it fail now (Recording Start Failure while
 * starting, Recording End Failure after), and so do running S3 destinations writing to it; later ones
 * fail as they start, until it is repaired.
 */
const failBucket: AdminHandler<'failBucket'> = (emu, body) => {
  const bucket = str(body, 'bucket');
  validateInput('S3BucketName', bucket);
  const broken = !bool(body, 'clear');
  setBucketFault(emu, bucket, broken);
  if (!broken) return { bucket, broken, failedRecordings: 0, failedDestinations: 0 };
  const recordings = recordingsTo(emu, bucket);
  for (const p of recordings) failRecording(emu, p);
  return { bucket, broken, failedRecordings: recordings.length, failedDestinations: failDestinationsWritingTo(emu, bucket) };
};

const failRecordingNow: AdminHandler<'failRecording'> = (emu, body) => {
  const stage = emu.stage(str(body, 'stageArn'));
  const participantId = str(body, 'participantId');
  const p = latestParticipant(emu, stage.arn, participantId);
  if (!p) throw notFound(`participant ${participantId} has never been on stage ${stage.arn}`);
  if (!isRecording(p)) throw conflict(`participant ${participantId} is not being recorded (recordingState ${p.recordingState ?? 'DISABLED'})`);
  return joined(failRecording(emu, p));
};

const clock: AdminHandler<'clock'> = async (emu, body) => {
  const seconds = body.advanceSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw validationError('1 validation error detected: advanceSeconds must be a number >= 0');
  }
  await emu.clock.advanceSettling(seconds * 1000);
  emu.mutate([{ k: 'clock', ...emu.clock.state }]);
  return { now: iso(emu.now()), advancedSeconds: emu.clock.offsetMs / 1000 };
};

const reset: AdminHandler<'reset'> = (_emu, _body, control) => {
  control.reset();
  return { reset: true };
};

/** The event stream (NDJSON): history from `since`, then every event as it is committed. */
const events: AdminHandler<'events'> = (emu, body, control) => openEventStream(control.bus, emu.now(), readStreamRequest(body));

const shutdown: AdminHandler<'shutdown'> = (_emu, _body, control) => {
  setImmediate(() => control.shutdown());
  return { shuttingDown: true };
};

const HANDLERS: { [R in AdminRoute]: AdminHandler<R> } = {
  status,
  media,
  export: (emu) => exportSeed(emu.store),
  join,
  leave,
  crowd,
  publish: startPublishing,
  unpublish: stopPublishing,
  subscribe: startSubscribing,
  unsubscribe: stopSubscribing,
  exchange,
  token,
  ingest,
  failDestination,
  failBucket,
  failRecording: failRecordingNow,
  clock,
  reset,
  shutdown,
  events,
};

type AnyHandler = (emu: Emulator, body: Record<string, unknown>, control: AdminControl) => unknown;

/** Each route's handler by `METHOD path` (the path under ADMIN_PREFIX), as the contract routes it. */
export const ADMIN_ROUTES: Readonly<Record<string, AnyHandler>> = Object.fromEntries(
  (Object.keys(HANDLERS) as AdminRoute[]).map((route) => [`${ADMIN_ENDPOINTS[route].method} ${ADMIN_ENDPOINTS[route].path}`, HANDLERS[route] as AnyHandler]),
);
