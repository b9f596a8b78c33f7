// Stages' settings as the service fills them in, and the participant tokens it issues for them.
import type { AutoParticipantRecordingConfiguration, ParticipantTokenConfiguration } from '@aws-sdk/client-ivs-realtime';
import type { Emulator } from './emulator.js';
import { validationError } from '../state/errors.js';
import { newResourceId } from './ids.js';
import type { StageRec } from '../state/store.js';
import { checkAttributesSize } from './validation.js';
import { capabilityBits, capabilityList, iso, stageEndpoints } from './views.js';

/** A participant token as CreateParticipantToken answers it on the wire (ISO expiration time). */
export interface ParticipantTokenResult {
  participantId: string;
  token: string;
  userId?: string;
  attributes?: Record<string, string>;
  duration: number;
  capabilities: string[];
  expirationTime: string;
}

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

/**
 * A token for `stage` as CreateParticipantToken / CreateStage return it. `path` is where `config` sits in the
 * request, for the validation message: '' for CreateParticipantToken's request itself.
 */
export function participantToken(emu: Emulator, stage: StageRec, config: ParticipantTokenConfiguration, path: string): ParticipantTokenResult {
  checkAttributesSize(path ? `${path}.attributes` : 'attributes', config.attributes);
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
