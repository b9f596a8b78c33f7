// Records as the API shows them: ISO-8601 times, optional members left out when unset, summaries as
// the subsets the model defines.
import type {
  CompositionRec,
  EncoderConfigurationRec,
  EventRec,
  ExchangedTokenRec,
  IngestConfigurationRec,
  ParticipantRec,
  PublicKeyRec,
  SessionRec,
  StageRec,
  StorageConfigurationRec,
} from '../state/store.js';
import { CAN_PUBLISH, CAN_SUBSCRIBE } from '../state/store.js';
import { formatTimestamp } from '../../model/timestamp.js';

/** A participant as GetParticipant shows it (participantView), with the members the tools rely on. */
export type ParticipantView = Record<string, unknown> & { participantId: string; state: string };

export const iso = (ms: number): string => formatTimestamp(ms);
const isoOrUndefined = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));

export const EVENTS_ENDPOINT = 'wss://global.events.live-video.net';

/**
 * A stage's endpoints. `whipBase` is the emulator's own WHIP route once it listens: real media can be
 * published there (a deliberate difference from the service's host, docs/fidelity.md).
 */
export function stageEndpoints(stage: StageRec, whipBase?: string): { events: string; whip: string; rtmp: string; rtmps: string } {
  return {
    events: EVENTS_ENDPOINT,
    whip: whipBase ? `${whipBase}/${stage.host}` : `https://${stage.host}.global-bm.whip.live-video.net`,
    rtmp: `rtmp://${stage.host}.global-contribute.live-video.net/app/`,
    rtmps: `rtmps://${stage.host}.global-contribute.live-video.net:443/app/`,
  };
}

/**
 * Whether a token's whip_url names this stage's WHIP endpoint: the emulator's route on whatever port it
 * listens on now (a token outlives a restart on another port), or the service's host form.
 */
export function namesStageWhip(stage: StageRec, whipUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(whipUrl);
  } catch {
    return false;
  }
  return url.pathname === `/whip/${stage.host}` || url.hostname === `${stage.host}.global-bm.whip.live-video.net`;
}

export function stageView(stage: StageRec, whipBase?: string): Record<string, unknown> {
  return {
    arn: stage.arn,
    name: stage.name,
    activeSessionId: stage.activeSessionId,
    tags: stage.tags,
    autoParticipantRecordingConfiguration: stage.autoRecording,
    endpoints: stageEndpoints(stage, whipBase),
  };
}

/**
 * `view(record)` as JSON's UTF-8 bytes, made once per record: records are replaced on every change, never
 * changed in place, so a record's bytes never go stale, and a list page copies bytes instead of formatting
 * times, serialising and encoding every summary again on every page.
 */
function cachedJson<R extends object>(cache: WeakMap<R, Buffer>, view: (record: R) => unknown): (record: R) => Buffer {
  return (record) => {
    let bytes = cache.get(record);
    if (bytes === undefined) cache.set(record, (bytes = Buffer.from(JSON.stringify(view(record)))));
    return bytes;
  };
}

function stageSummary(stage: StageRec): Record<string, unknown> {
  return { arn: stage.arn, name: stage.name, activeSessionId: stage.activeSessionId, tags: stage.tags };
}

export const stageSummaryJson = cachedJson(new WeakMap<StageRec, Buffer>(), stageSummary);

export function sessionView(session: SessionRec): Record<string, unknown> {
  return { sessionId: session.id, startTime: iso(session.startTime), endTime: isoOrUndefined(session.endTime) };
}

export function capabilityList(bits: number): string[] {
  const out: string[] = [];
  if (bits & CAN_PUBLISH) out.push('PUBLISH');
  if (bits & CAN_SUBSCRIBE) out.push('SUBSCRIBE');
  return out;
}

export function capabilityBits(list: string[] | undefined): number {
  if (!list) return CAN_PUBLISH | CAN_SUBSCRIBE;
  return (list.includes('PUBLISH') ? CAN_PUBLISH : 0) | (list.includes('SUBSCRIBE') ? CAN_SUBSCRIBE : 0);
}

function participantSummary(p: ParticipantRec): ParticipantView {
  return {
    participantId: p.id,
    // The service answers "" for a participant without one (AWS CLI get-participant, list-participants).
    userId: p.userId ?? '',
    state: p.connected ? 'CONNECTED' : 'DISCONNECTED',
    firstJoinTime: iso(p.firstJoinTime),
    published: p.published,
    recordingState: p.recordingState ?? 'DISABLED',
    replicationType: p.replicationType ?? 'NONE',
    replicationState: p.replicationState,
    sourceStageArn: p.sourceStageArn ?? (p.replicationType === 'SOURCE' ? '' : undefined),
    sourceSessionId: p.sourceSessionId ?? (p.replicationType === 'SOURCE' ? '' : undefined),
    redundantIngest: p.redundantIngest,
    ingestConfigurationArn: p.ingestConfigurationArn,
  };
}

export const participantSummaryJson = cachedJson(new WeakMap<ParticipantRec, Buffer>(), participantSummary);

/** What a participant's client did not report reads "" (model; AWS CLI get-participant shows sdkVersion ""). */
const NO_CLIENT_INFO = { ispName: '', osName: '', osVersion: '', browserName: '', browserVersion: '', sdkVersion: '' };

export function participantView(p: ParticipantRec): ParticipantView {
  return {
    ...participantSummary(p),
    attributes: p.attributes ?? {},
    ...NO_CLIENT_INFO,
    ...p.clientInfo,
    recordingS3BucketName: p.recordingBucket ?? '',
    recordingS3Prefix: p.recordingPrefix ?? '',
    protocol: p.protocol,
  };
}

function exchangedTokenView(t: ExchangedTokenRec | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return { capabilities: capabilityList(t.capabilities), attributes: t.attributes, userId: t.userId, expirationTime: iso(t.expirationTime) };
}

export function eventView(participantId: string, e: EventRec): Record<string, unknown> {
  return {
    name: e.name,
    participantId,
    eventTime: iso(e.time),
    remoteParticipantId: e.remote,
    errorCode: e.errorCode,
    destinationStageArn: e.destinationStageArn,
    destinationSessionId: e.destinationSessionId,
    replica: e.replica ?? false,
    previousToken: exchangedTokenView(e.previousToken),
    newToken: exchangedTokenView(e.newToken),
  };
}

function destinationView(d: CompositionRec['destinations'][number]): Record<string, unknown> {
  return {
    id: d.id,
    state: d.state,
    startTime: isoOrUndefined(d.startTime),
    endTime: isoOrUndefined(d.endTime),
    configuration: d.configuration,
    detail: d.detail,
  };
}

export function compositionView(c: CompositionRec): Record<string, unknown> {
  return {
    arn: c.arn,
    stageArn: c.stageArn,
    state: c.state,
    layout: c.layout,
    destinations: c.destinations.map(destinationView),
    tags: c.tags,
    startTime: iso(c.startTime),
    endTime: isoOrUndefined(c.endTime),
  };
}

export function compositionSummary(c: CompositionRec): Record<string, unknown> {
  return {
    arn: c.arn,
    stageArn: c.stageArn,
    destinations: c.destinations.map((d) => ({ id: d.id, state: d.state, startTime: isoOrUndefined(d.startTime), endTime: isoOrUndefined(d.endTime) })),
    state: c.state,
    tags: c.tags,
    startTime: iso(c.startTime),
    endTime: isoOrUndefined(c.endTime),
  };
}

export function encoderView(e: EncoderConfigurationRec): Record<string, unknown> {
  return { arn: e.arn, name: e.name, video: e.video, tags: e.tags };
}

export function encoderSummary(e: EncoderConfigurationRec): Record<string, unknown> {
  return { arn: e.arn, name: e.name, tags: e.tags };
}

export function storageView(s: StorageConfigurationRec): Record<string, unknown> {
  return { arn: s.arn, name: s.name, s3: s.s3, tags: s.tags };
}

export function ingestView(i: IngestConfigurationRec): Record<string, unknown> {
  return {
    ...ingestSummary(i),
    streamKey: i.streamKey,
    attributes: i.attributes ?? {},
    redundantIngestCredentials: i.redundantIngestCredentials,
    tags: i.tags,
  };
}

export function ingestSummary(i: IngestConfigurationRec): Record<string, unknown> {
  return {
    name: i.name,
    arn: i.arn,
    ingestProtocol: i.ingestProtocol,
    stageArn: i.stageArn,
    participantId: i.participantId,
    state: i.state,
    // "" when none was given (AWS CLI create-ingest-configuration example).
    userId: i.userId ?? '',
    redundantIngest: i.redundantIngest,
  };
}

export function publicKeyView(k: PublicKeyRec): Record<string, unknown> {
  return { arn: k.arn, name: k.name, publicKeyMaterial: k.publicKeyMaterial, fingerprint: k.fingerprint, tags: k.tags };
}

export function publicKeySummary(k: PublicKeyRec): Record<string, unknown> {
  return { arn: k.arn, name: k.name, tags: k.tags };
}
