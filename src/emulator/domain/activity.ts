// What participants do on a stage: join, publish, subscribe, leave, replicate. The admin routes,
// DisconnectParticipant, DeleteStage, ingest and replication all act through these functions, so
// sessions, events and counters follow one set of rules (behaviour reference §3, §9).
import { stagePublishingChanged } from './composition-lifecycle.js';
import type { Emulator } from './emulator.js';
import { accessDenied, conflict, notFound, quotaExceeded, validationError } from '../state/errors.js';
import { newSessionId } from './ids.js';
import { current, update } from './participant-record.js';
import { recordingOnPublish, recordingOnUnpublish } from './recording.js';
import { CAN_PUBLISH, CAN_SUBSCRIBE, SessionRoster, type Attributes, type EventRec, type ParticipantRec, type ReplicationRec, type StageRec } from '../state/store.js';
import { TokenError, type TokenGrant } from './tokens.js';
import { EVENTS_ENDPOINT, namesStageWhip } from './views.js';

export { current } from './participant-record.js';

export interface Joiner {
  participantId: string;
  userId?: string;
  attributes?: Attributes;
  capabilities: number;
}

interface JoinOptions {
  protocol?: string;
  clientInfo?: Record<string, string>;
  ingestConfigurationArn?: string;
  redundantIngest?: boolean;
  replicaOf?: { stageArn: string; sessionId: string };
}

export function sessionMembers(emu: Emulator, sessionId: string | undefined): SessionRoster {
  return (sessionId && emu.store.participants.get(sessionId)) || new SessionRoster();
}

/** The participant as currently connected to `stage`, or ResourceNotFoundException. */
export function connectedParticipant(emu: Emulator, stage: StageRec, participantId: string): ParticipantRec {
  const p = sessionMembers(emu, stage.activeSessionId).get(participantId);
  if (!p || !p.connected) throw notFound(`participant ${participantId} is not connected to stage ${stage.arn}`);
  return p;
}


/** A participant event (ListParticipantEvents) of `p`, now. */
function eventOf(emu: Emulator, p: ParticipantRec, name: string, extra: Omit<EventRec, 'name' | 'time'> = {}): EventRec {
  const e: EventRec = { name, time: emu.now(), ...extra };
  if (p.replicationType === 'REPLICA') e.replica = true;
  return e;
}

/** Records a participant event that goes with no other change (one that does goes into that change's `update`). */
function event(emu: Emulator, p: ParticipantRec, name: string, extra: Omit<EventRec, 'name' | 'time'> = {}): void {
  emu.mutate([{ k: 'event', s: p.sessionId, p: p.id, e: eventOf(emu, p, name, extra) }]);
}

/** A failed attempt to publish (PUBLISH_ERROR, "Participant Publish Error" on EventBridge). */
export function publishError(emu: Emulator, p: ParticipantRec, errorCode: string): void {
  event(emu, p, 'PUBLISH_ERROR', { errorCode });
}

function startSession(emu: Emulator, stage: StageRec): string {
  const id = newSessionId();
  emu.mutate([
    { k: 'session', v: { id, stageArn: stage.arn, startTime: emu.now() } },
    { k: 'stage', v: { ...emu.stage(stage.arn), activeSessionId: id } },
  ]);
  return id;
}

function endSessionIfEmpty(emu: Emulator, stageArn: string): void {
  const stage = emu.store.stages.get(stageArn);
  const sessionId = stage?.activeSessionId;
  if (!stage || !sessionId || sessionMembers(emu, sessionId).connected > 0) return;
  const { activeSessionId: _ended, ...idle } = stage;
  emu.mutate([
    { k: 'session', v: { ...emu.store.sessions.get(sessionId)!, endTime: emu.now() } },
    { k: 'stage', v: idle },
  ]);
}

/**
 * What a participant token admits its bearer to, as every client connection checks it: signature, expiry
 * and claims, and a stage that still exists with the endpoints the token names. Revocation is joinStage's.
 */
export function admit(emu: Emulator, token: string): { stage: StageRec; grant: TokenGrant } {
  const grant = emu.tokens.verify(token, (arn) => emu.store.keys.get(arn)?.publicKeyMaterial, emu.now());
  const stage = emu.store.stages.get(grant.stageArn);
  if (!stage) throw notFound(`the token's stage ${grant.stageArn} does not exist (deleted?)`);
  if (grant.topic !== stage.id || grant.eventsUrl !== EVENTS_ENDPOINT || !namesStageWhip(stage, grant.whipUrl)) {
    throw new TokenError('invalid-claims', `the token's topic, events_url or whip_url do not match stage ${stage.arn}`);
  }
  return { stage, grant };
}

export function joinStage(emu: Emulator, stage: StageRec, who: Joiner, options: JoinOptions = {}): ParticipantRec {
  if (stage.revoked?.includes(who.participantId)) {
    throw new TokenError('revoked', `participant ${who.participantId} was disconnected from ${stage.arn} and its token revoked`);
  }
  const existing = sessionMembers(emu, stage.activeSessionId).get(who.participantId);
  if (existing?.connected) throw conflict(`participant ${who.participantId} is already connected to stage ${stage.arn}`);
  const sessionId = stage.activeSessionId ?? startSession(emu, stage);
  let p: ParticipantRec;
  if (existing) {
    // A reconnect within the same session keeps the participant's first join time and history; its
    // protocol is the new connection's (an encoder refused over RTMP that comes back over RTMPS is RTMPS).
    p = { ...existing, connected: true, capabilities: who.capabilities, protocol: options.protocol ?? existing.protocol };
  } else {
    p = {
      id: who.participantId,
      stageArn: stage.arn,
      sessionId,
      connected: true,
      firstJoinTime: emu.now(),
      published: false,
      publishing: false,
      capabilities: who.capabilities,
      protocol: options.protocol ?? 'WHIP',
      events: [],
    };
    if (who.userId !== undefined) p.userId = who.userId;
    if (who.attributes !== undefined) p.attributes = who.attributes;
    if (options.clientInfo) p.clientInfo = options.clientInfo;
    if (options.ingestConfigurationArn) p.ingestConfigurationArn = options.ingestConfigurationArn;
    if (options.redundantIngest !== undefined) p.redundantIngest = options.redundantIngest;
    if (options.replicaOf) {
      p.replicationType = 'REPLICA';
      p.replicationState = 'ACTIVE';
      p.sourceStageArn = options.replicaOf.stageArn;
      p.sourceSessionId = options.replicaOf.sessionId;
    }
  }
  emu.mutate([
    { k: 'participant', v: p },
    { k: 'event', s: p.sessionId, p: p.id, e: eventOf(emu, p, 'JOINED') },
  ]);
  return current(emu, p);
}

export function leaveStage(emu: Emulator, who: ParticipantRec): void {
  if (!current(emu, who).connected) return;
  unpublish(emu, who);
  for (const publisherId of current(emu, who).subscriptions ?? []) event(emu, who, 'SUBSCRIBE_STOPPED', { remote: publisherId });
  const p = update(emu, who, { subscriptions: undefined, connected: false }, eventOf(emu, who, 'LEFT'));
  if (p.replicationType === 'REPLICA') replicaGone(emu, p);
  if (p.ingestConfigurationArn) {
    const config = emu.store.ingests.get(p.ingestConfigurationArn);
    if (config && config.state === 'ACTIVE') emu.mutate([{ k: 'ingest', v: { ...config, state: 'INACTIVE' } }]);
  }
  if (emu.store.stages.get(p.stageArn)?.activeSessionId === p.sessionId) endSessionIfEmpty(emu, p.stageArn);
}

export function publish(emu: Emulator, who: ParticipantRec): void {
  const p = current(emu, who);
  if (!p.connected) throw conflict(`participant ${p.id} is not connected`);
  if (p.publishing) return;
  if (!(p.capabilities & CAN_PUBLISH)) {
    publishError(emu, p, 'INSUFFICIENT_CAPABILITIES');
    throw accessDenied(`participant ${p.id}'s token does not allow publishing`);
  }
  if (sessionMembers(emu, p.sessionId).publishing >= emu.quotas.publishersPerStage) {
    publishError(emu, p, 'QUOTA_EXCEEDED');
    throw quotaExceeded(`stage ${p.stageArn} already has ${emu.quotas.publishersPerStage} publishers`);
  }
  emu.clearTimer(replicationWindowTimer(p));
  update(emu, p, { publishing: true, published: true, ...recordingOnPublish(emu, p) }, eventOf(emu, p, 'PUBLISH_STARTED'));
  stagePublishingChanged(emu, p.stageArn);
}

export function unpublish(emu: Emulator, who: ParticipantRec): void {
  const before = current(emu, who);
  if (!before.publishing) return;
  const p = update(emu, before, { publishing: false, ...recordingOnUnpublish(emu, before) }, eventOf(emu, before, 'PUBLISH_STOPPED'));
  stagePublishingChanged(emu, p.stageArn);
  for (const q of [...sessionMembers(emu, p.sessionId).values()]) {
    if (q.subscriptions?.includes(p.id)) unsubscribe(emu, q, p.id);
  }
  const active = p.replications?.filter((r) => r.state === 'ACTIVE') ?? [];
  if (active.length > 0) {
    // The replicas live on through the reconnect window, then end (REPL: "if the publisher reconnects within ...").
    const windowMs = Math.max(...active.map((r) => r.reconnectWindowSeconds)) * 1000;
    if (windowMs === 0) endAllReplications(emu, p);
    else emu.setTimer(replicationWindowTimer(p), windowMs, () => endAllReplications(emu, p));
  }
}

/** The stage refused a publisher's media (codec, resolution, bitrate): PUBLISH_ERROR with the reason, and the publish ends. */
export function publishRefused(emu: Emulator, p: ParticipantRec, errorCode: string): void {
  publishError(emu, current(emu, p), errorCode);
  unpublish(emu, p);
}

/**
 * `who` subscribes to `publisherId` (SUBSCRIBE_STARTED), or a SUBSCRIBE_ERROR says why not. `limit` adds a
 * quota of the caller's (the media route's download cap): a message when the subscription would break it.
 */
export function subscribe(emu: Emulator, who: ParticipantRec, publisherId: string, limit?: (publisher: ParticipantRec) => string | undefined): void {
  const p = current(emu, who);
  if (!p.connected) throw conflict(`participant ${p.id} is not connected`);
  if (p.subscriptions?.includes(publisherId)) return;
  if (!(p.capabilities & CAN_SUBSCRIBE)) {
    event(emu, p, 'SUBSCRIBE_ERROR', { errorCode: 'INSUFFICIENT_CAPABILITIES', remote: publisherId });
    throw accessDenied(`participant ${p.id}'s token does not allow subscribing`);
  }
  const publisher = sessionMembers(emu, p.sessionId).get(publisherId);
  if (!publisher || !publisher.publishing) {
    event(emu, p, 'SUBSCRIBE_ERROR', { errorCode: 'PUBLISHER_NOT_FOUND', remote: publisherId });
    throw notFound(`participant ${publisherId} is not publishing on stage ${p.stageArn}`);
  }
  if (!p.subscriptions?.length && sessionMembers(emu, p.sessionId).subscribers >= emu.quotas.subscribersPerStage) {
    event(emu, p, 'SUBSCRIBE_ERROR', { errorCode: 'QUOTA_EXCEEDED', remote: publisherId });
    throw quotaExceeded(`stage ${p.stageArn} already has ${emu.quotas.subscribersPerStage} subscribers`);
  }
  const over = limit?.(publisher);
  if (over !== undefined) {
    event(emu, p, 'SUBSCRIBE_ERROR', { errorCode: 'QUOTA_EXCEEDED', remote: publisherId });
    throw quotaExceeded(over);
  }
  const e: Omit<EventRec, 'name' | 'time'> = { remote: publisherId };
  if (publisher.replicationType === 'REPLICA') e.replica = true;
  update(emu, p, { subscriptions: [...(p.subscriptions ?? []), publisherId] }, eventOf(emu, p, 'SUBSCRIBE_STARTED', e));
}

export function unsubscribe(emu: Emulator, who: ParticipantRec, publisherId: string): void {
  const p = current(emu, who);
  if (!p.subscriptions?.includes(publisherId)) return;
  update(emu, p, { subscriptions: p.subscriptions.filter((id) => id !== publisherId) }, eventOf(emu, p, 'SUBSCRIBE_STOPPED', { remote: publisherId }));
}

const EXCHANGE_FIXED: [keyof TokenGrant, string][] = [
  ['topic', 'topic'],
  ['stageArn', 'resource'],
  ['participantId', 'jti'],
  ['whipUrl', 'whip_url'],
  ['eventsUrl', 'events_url'],
];

/**
 * The client SDK's token exchange (behaviour reference §1, TE): only between self-signed tokens that agree on
 * topic, resource, jti, whip_url and events_url; capabilities, attributes and user id change in place.
 */
export function exchangeToken(emu: Emulator, p: ParticipantRec, previous: TokenGrant, next: TokenGrant): void {
  if (!previous.selfSigned || !next.selfSigned) throw validationError('token exchange works only between self-signed tokens');
  for (const [field, claim] of EXCHANGE_FIXED) {
    if (previous[field] !== next[field]) throw new TokenError('invalid-claims', `the new token's "${claim}" differs from the current token's`);
  }
  update(emu, p, { capabilities: next.capabilities, attributes: next.attributes, userId: next.userId });
  if (!(next.capabilities & CAN_PUBLISH)) unpublish(emu, p);
  if (!(next.capabilities & CAN_SUBSCRIBE)) for (const publisherId of current(emu, p).subscriptions ?? []) unsubscribe(emu, p, publisherId);
  const granted = (g: TokenGrant) => ({ capabilities: g.capabilities, attributes: g.attributes, userId: g.userId, expirationTime: g.expiresAt });
  event(emu, p, 'TOKEN_EXCHANGED', { previousToken: granted(previous), newToken: granted(next) });
}

// ---- Replication -------------------------------------------------------------------------------

const replicationWindowTimer = (p: ParticipantRec): string => `replication-window:${p.sessionId}:${p.id}`;

export function startReplication(
  emu: Emulator,
  source: StageRec,
  destination: StageRec,
  participantId: string,
  reconnectWindowSeconds: number,
  attributes: Attributes | undefined,
): void {
  if (source.arn === destination.arn) throw validationError('1 validation error detected: destinationStageArn must differ from sourceStageArn');
  const p = connectedParticipant(emu, source, participantId);
  if (p.replicationType === 'REPLICA') throw validationError(`participant ${participantId} is itself a replica and cannot be replicated`);
  if (!p.publishing) throw validationError(`participant ${participantId} is not publishing; only publishers can be replicated`);
  const active = p.replications?.filter((r) => r.state === 'ACTIVE') ?? [];
  if (active.some((r) => r.destinationStageArn === destination.arn)) {
    throw conflict(`participant ${participantId} is already replicated to ${destination.arn}`);
  }
  if (active.length >= emu.quotas.replicationsPerParticipant) {
    throw quotaExceeded(`participant ${participantId} already has ${emu.quotas.replicationsPerParticipant} active replications`);
  }
  if (sessionMembers(emu, destination.activeSessionId).get(participantId)?.connected) {
    throw conflict(`a participant ${participantId} is already connected to ${destination.arn}`);
  }
  const replica = joinStage(
    emu,
    destination,
    { participantId, userId: p.userId, attributes: { ...p.attributes, ...attributes }, capabilities: CAN_PUBLISH },
    { protocol: p.protocol, replicaOf: { stageArn: source.arn, sessionId: p.sessionId } },
  );
  try {
    publish(emu, replica);
  } catch (error) {
    leaveStage(emu, replica);
    throw error;
  }
  const rec: ReplicationRec = {
    destinationStageArn: destination.arn,
    destinationSessionId: replica.sessionId,
    state: 'ACTIVE',
    reconnectWindowSeconds,
  };
  const latest = current(emu, p);
  update(
    emu,
    latest,
    {
      replications: [...(latest.replications ?? []).filter((r) => r.destinationStageArn !== destination.arn), rec],
      replicationType: 'SOURCE',
      replicationState: 'ACTIVE',
    },
    eventOf(emu, latest, 'REPLICATION_STARTED', { destinationStageArn: destination.arn, destinationSessionId: replica.sessionId }),
  );
}

/** The newest record of `participantId` on `stage` across its sessions. */
export function latestParticipant(emu: Emulator, stageArn: string, participantId: string): ParticipantRec | undefined {
  const sessions = emu.store.stageSessions.get(stageArn) ?? [];
  for (let i = sessions.length - 1; i >= 0; i--) {
    const p = emu.store.participants.get(sessions[i]!.id)?.get(participantId);
    if (p) return p;
  }
  return undefined;
}

export function stopReplication(emu: Emulator, sourceStageArn: string, destinationStageArn: string, participantId: string): void {
  const p = latestParticipant(emu, sourceStageArn, participantId);
  const rec = p?.replications?.find((r) => r.destinationStageArn === destinationStageArn && r.state === 'ACTIVE');
  if (!p || !rec) throw notFound(`participant ${participantId} of ${sourceStageArn} is not being replicated to ${destinationStageArn}`);
  endReplication(emu, p, rec);
}

function endAllReplications(emu: Emulator, p: ParticipantRec): void {
  for (const rec of current(emu, p).replications ?? []) if (rec.state === 'ACTIVE') endReplication(emu, p, rec);
}

function endReplication(emu: Emulator, who: ParticipantRec, rec: ReplicationRec): void {
  const ended = (r: ReplicationRec): boolean => r.destinationStageArn === rec.destinationStageArn && r.destinationSessionId === rec.destinationSessionId;
  const replications = (current(emu, who).replications ?? []).map((r) => (ended(r) ? { ...r, state: 'STOPPED' as const } : r));
  const stopped = eventOf(emu, who, 'REPLICATION_STOPPED', { destinationStageArn: rec.destinationStageArn, destinationSessionId: rec.destinationSessionId });
  const p = update(emu, who, { replications, ...(replications.some((r) => r.state === 'ACTIVE') ? {} : { replicationState: 'STOPPED' as const }) }, stopped);
  const replica = emu.store.participants.get(rec.destinationSessionId)?.get(p.id);
  if (replica?.connected) leaveStage(emu, update(emu, replica, { replicationState: 'STOPPED' }));
}

/** A replica left on its own (disconnected, stage deleted): its source's replication is over. */
function replicaGone(emu: Emulator, replica: ParticipantRec): void {
  update(emu, replica, { replicationState: 'STOPPED' });
  const source = emu.store.participants.get(replica.sourceSessionId!)?.get(replica.id);
  const rec = source?.replications?.find((r) => r.destinationStageArn === replica.stageArn && r.state === 'ACTIVE');
  if (source && rec) endReplication(emu, source, rec);
}

/** Disconnects everyone from a stage that is going away. */
export function emptyStage(emu: Emulator, stage: StageRec): void {
  for (const p of [...sessionMembers(emu, stage.activeSessionId).values()]) {
    if (current(emu, p).connected) {
      endAllReplications(emu, p);
      leaveStage(emu, p);
    }
  }
}
