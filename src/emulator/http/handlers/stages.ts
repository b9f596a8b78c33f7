// Stages, their sessions, and participant tokens.
import type { ParticipantTokenResult } from '../admin-contract.js';
import { emptyStage } from '../../domain/activity.js';
import { endRecordingsOf, isRecording } from '../../domain/recording.js';
import { stageDeleted } from '../../domain/composition-lifecycle.js';
import type { Emulator } from '../../domain/emulator.js';
import { conflict, notFound, quotaExceeded, validationError } from '../../state/errors.js';
import { newHostLabel, newResourceId } from '../../domain/ids.js';
import { arnId } from '../../../model/arn.js';
import { paginate, paginateInOrder } from '../pagination.js';
import type { StageRec } from '../../state/store.js';
import { checkAttributesSize } from '../../domain/validation.js';
import { capabilityBits, capabilityList, iso, sessionView, stageEndpoints, stageSummaryJson, stageView } from '../../domain/views.js';
import { JsonItems } from '../wire.js';
import type { AutoParticipantRecordingConfiguration, ParticipantTokenConfiguration } from '@aws-sdk/client-ivs-realtime';
import { tagsOf, type Handler } from './common.js';

const DEFAULT_TOKEN_MINUTES = 720;

/** The stage's participant-recording settings with the service's defaults filled in. */
export function autoRecording(emu: Emulator, input: AutoParticipantRecordingConfiguration | undefined): Record<string, unknown> {
  const storageArn: string = input?.storageConfigurationArn ?? '';
  if (storageArn && !emu.store.storages.has(storageArn)) {
    throw validationError(`1 validation error detected: autoParticipantRecordingConfiguration.storageConfigurationArn ${storageArn} does not exist`);
  }
  // "If the storageConfigurationArn is set to "", ... other fields in this object will get reset to
  // their defaults" (model, AutoParticipantRecordingConfiguration): what was sent beside it is dropped.
  const given = storageArn === '' ? undefined : input;
  return {
    storageConfigurationArn: storageArn,
    mediaTypes: given?.mediaTypes ?? ['AUDIO_VIDEO'],
    // recordingMode defaults to DISABLED (model; AWS CLI create-stage and get-stage examples).
    thumbnailConfiguration: { targetIntervalSeconds: 60, storage: ['SEQUENTIAL'], recordingMode: 'DISABLED', ...given?.thumbnailConfiguration },
    recordingReconnectWindowSeconds: given?.recordingReconnectWindowSeconds ?? 0,
    hlsConfiguration: { targetSegmentDurationSeconds: 6, ...given?.hlsConfiguration },
    recordParticipantReplicas: given?.recordParticipantReplicas ?? true,
  };
}

/** A token for `stage` as CreateParticipantToken / CreateStage return it. */
export function participantToken(emu: Emulator, stage: StageRec, config: ParticipantTokenConfiguration, field: string): ParticipantTokenResult {
  checkAttributesSize(`${field}.attributes`, config.attributes);
  const duration: number = config.duration ?? DEFAULT_TOKEN_MINUTES;
  const capabilities = capabilityBits(config.capabilities);
  const participantId = newResourceId();
  const now = emu.now();
  const endpoints = stageEndpoints(stage, emu.whipBase);
  const token = emu.tokens.issue({
    participantId,
    stageArn: stage.arn,
    stageId: stage.id,
    eventsUrl: endpoints.events,
    whipUrl: endpoints.whip,
    durationMinutes: duration,
    userId: config.userId,
    attributes: config.attributes,
    capabilities,
    nowMs: now,
  });
  return {
    participantId,
    token,
    userId: config.userId,
    attributes: config.attributes,
    duration,
    capabilities: capabilityList(capabilities),
    expirationTime: iso(Math.floor(now / 1000) * 1000 + duration * 60_000),
  };
}

export const createParticipantToken: Handler<'CreateParticipantToken'> = (emu, input) => ({
  participantToken: participantToken(emu, emu.stage(input.stageArn), input, 'input'),
});

export const createStage: Handler<'CreateStage'> = (emu, input) => {
  if (emu.store.stages.size >= emu.quotas.stages) throw quotaExceeded(`the account already has ${emu.quotas.stages} stages`);
  const configs = input.participantTokenConfigurations ?? [];
  configs.forEach((c, i) => checkAttributesSize(`participantTokenConfigurations[${i}].attributes`, c.attributes));
  const id = newResourceId();
  const stage: StageRec = {
    arn: emu.arn('stage', id),
    id,
    name: input.name ?? '',
    tags: tagsOf(input),
    host: newHostLabel(),
    autoRecording: autoRecording(emu, input.autoParticipantRecordingConfiguration),
  };
  emu.mutate([{ k: 'stage', v: stage }]);
  return {
    stage: stageView(stage, emu.whipBase),
    participantTokens: configs.map((c, i) => participantToken(emu, stage, c, `participantTokenConfigurations[${i}]`)),
  };
};

export const getStage: Handler<'GetStage'> = (emu, input) => ({ stage: stageView(emu.stage(input.arn), emu.whipBase) });

export const updateStage: Handler<'UpdateStage'> = (emu, input) => {
  const stage = { ...emu.stage(input.arn) };
  if (input.autoParticipantRecordingConfiguration) {
    const next = autoRecording(emu, input.autoParticipantRecordingConfiguration);
    const members = stage.activeSessionId ? emu.store.participants.get(stage.activeSessionId)!.values() : [];
    for (const p of members) {
      if (isRecording(p)) throw conflict(`stage ${stage.arn} is recording participants; its recording configuration cannot change now`);
    }
    stage.autoRecording = next;
  }
  if (input.name !== undefined) stage.name = input.name;
  emu.mutate([{ k: 'stage', v: stage }]);
  return { stage: stageView(stage, emu.whipBase) };
};

export const deleteStage: Handler<'DeleteStage'> = (emu, input) => {
  const stage = emu.stage(input.arn);
  const activeIngest = [...emu.store.ingests.values()].filter((c) => c.stageArn === stage.arn && c.state === 'ACTIVE').map((c) => c.arn);
  emptyStage(emu, stage);
  for (const arn of activeIngest) emu.mutate([{ k: 'ingest', v: { ...emu.ingest(arn), stageArn: '' } }]);
  endRecordingsOf(emu, stage.arn);
  stageDeleted(emu, stage.arn);
  emu.mutate([{ k: 'delete', kind: 'stage', arn: stage.arn }]);
  return {};
};

export const listStages: Handler<'ListStages'> = (emu, input) => {
  const page = paginateInOrder('ListStages', emu.store.stages, input, 50);
  return { stages: new JsonItems(page.items.map(stageSummaryJson)), nextToken: page.nextToken };
};

export const listStageSessions: Handler<'ListStageSessions'> = (emu, input) => {
  const sessions = emu.store.stageSessions.get(input.stageArn) ?? [];
  const page = paginate('ListStageSessions', sessions, input, 50);
  return { stageSessions: page.items.map(sessionView), nextToken: page.nextToken };
};

export const getStageSession: Handler<'GetStageSession'> = (emu, input) => {
  const stage = emu.stage(input.stageArn);
  const session = emu.store.sessions.get(input.sessionId);
  if (!session || session.stageArn !== stage.arn) throw notFound(`session ${input.sessionId} of stage ${arnId(stage.arn)} was not found`);
  return { stageSession: sessionView(session) };
};
