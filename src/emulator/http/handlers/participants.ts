// Participants, their events, disconnection and replication.
import { latestParticipant, leaveStage, sessionMembers, startReplication, stopReplication } from '../../domain/activity.js';
import { notFound } from '../../state/errors.js';
import { paginate, paginateInOrder, paginateNewestFirst } from '../pagination.js';
import { SessionRoster, type ParticipantRec } from '../../state/store.js';
import { checkAttributesSize, checkExclusive } from '../../domain/validation.js';
import { eventView, participantSummaryJson, participantView } from '../../domain/views.js';
import { JsonItems } from '../wire.js';
import type { ListParticipantsRequest } from '@aws-sdk/client-ivs-realtime';
import type { Emulator } from '../../domain/emulator.js';
import type { Handler, Handlers } from './common.js';

const LIST_FILTERS: (keyof ListParticipantsRequest)[] = ['filterByUserId', 'filterByPublished', 'filterByState', 'filterByRecordingState'];

/** The one filter a request names (they are exclusive), or undefined for all. */
function filterOf(input: ListParticipantsRequest): ((p: ParticipantRec) => boolean) | undefined {
  const { filterByUserId: userId, filterByPublished: published, filterByState: state, filterByRecordingState: recording } = input;
  if (userId !== undefined) return (p) => p.userId === userId;
  if (published !== undefined) return (p) => p.published === published;
  if (state !== undefined) return (p) => (p.connected ? 'CONNECTED' : 'DISCONNECTED') === state;
  if (recording !== undefined) return (p) => (p.recordingState ?? 'DISABLED') === recording;
  return undefined;
}

/** The session's participants, if the session belongs to the stage (List operations answer empty otherwise). */
function members(emu: Emulator, stageArn: string, sessionId: string): SessionRoster {
  const session = emu.store.sessions.get(sessionId);
  return session && session.stageArn === stageArn ? sessionMembers(emu, sessionId) : new SessionRoster();
}

const getParticipant: Handler<'GetParticipant'> = (emu, input) => {
  const stage = emu.stage(input.stageArn);
  const p = members(emu, stage.arn, input.sessionId).get(input.participantId);
  if (!p) throw notFound(`participant ${input.participantId} was not found in session ${input.sessionId}`);
  return { participant: participantView(p) };
};

const listParticipants: Handler<'ListParticipants'> = (emu, input) => {
  checkExclusive(input, LIST_FILTERS);
  const page = paginateInOrder('ListParticipants', members(emu, input.stageArn, input.sessionId), input, 50, filterOf(input));
  return { participants: new JsonItems(page.items.map(participantSummaryJson)), nextToken: page.nextToken };
};

const listParticipantEvents: Handler<'ListParticipantEvents'> = (emu, input) => {
  const p = members(emu, input.stageArn, input.sessionId).get(input.participantId);
  const page = paginateNewestFirst('ListParticipantEvents', p?.events ?? [], input, 50, p?.eventsDropped);
  return { events: page.items.map((e) => eventView(input.participantId, e)), nextToken: page.nextToken };
};

const disconnectParticipant: Handler<'DisconnectParticipant'> = (emu, input) => {
  const stage = emu.stage(input.stageArn);
  const id: string = input.participantId;
  const connected = sessionMembers(emu, stage.activeSessionId).get(id);
  if (!connected?.connected && !latestParticipant(emu, stage.arn, id)) {
    throw notFound(`participant ${id} has never joined stage ${stage.arn}`);
  }
  if (connected?.connected) {
    leaveStage(emu, connected);
    const config = connected.ingestConfigurationArn ? emu.store.ingests.get(connected.ingestConfigurationArn) : undefined;
    // DisconnectParticipant detaches an ingest publisher's configuration from the stage (model doc).
    if (config) emu.mutate([{ k: 'ingest', v: { ...config, stageArn: '' } }]);
  }
  const latest = emu.stage(stage.arn);
  if (!latest.revoked?.includes(id)) emu.mutate([{ k: 'stage', v: { ...latest, revoked: [...(latest.revoked ?? []), id] } }]);
  return {};
};

const startParticipantReplication: Handler<'StartParticipantReplication'> = (emu, input) => {
  checkAttributesSize('attributes', input.attributes);
  const source = emu.stage(input.sourceStageArn);
  const destination = emu.stage(input.destinationStageArn);
  startReplication(emu, source, destination, input.participantId, input.reconnectWindowSeconds ?? 0, input.attributes);
  return {};
};

const stopParticipantReplication: Handler<'StopParticipantReplication'> = (emu, input) => {
  emu.stage(input.sourceStageArn);
  emu.stage(input.destinationStageArn);
  stopReplication(emu, input.sourceStageArn, input.destinationStageArn, input.participantId);
  return {};
};

const listParticipantReplicas: Handler<'ListParticipantReplicas'> = (emu, input) => {
  const p = latestParticipant(emu, input.sourceStageArn, input.participantId);
  const replicas = (p?.replications ?? []).map((r) => ({
    sourceStageArn: input.sourceStageArn,
    participantId: input.participantId,
    sourceSessionId: p!.sessionId,
    destinationStageArn: r.destinationStageArn,
    destinationSessionId: r.destinationSessionId,
    replicationState: r.state,
  }));
  const page = paginate('ListParticipantReplicas', replicas, input, 50);
  return { replicas: page.items, nextToken: page.nextToken };
};

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const PARTICIPANTS_HANDLERS = {
  DisconnectParticipant: disconnectParticipant,
  GetParticipant: getParticipant,
  ListParticipantEvents: listParticipantEvents,
  ListParticipantReplicas: listParticipantReplicas,
  ListParticipants: listParticipants,
  StartParticipantReplication: startParticipantReplication,
  StopParticipantReplication: stopParticipantReplication,
} satisfies Handlers;
