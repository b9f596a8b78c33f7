// RTMP(S) ingest (behaviour reference §9): stream keys, and what an encoder connecting with one causes.
import { current, joinStage, leaveStage, publish, publishError, sessionMembers } from './activity.js';
import type { Emulator } from './emulator.js';
import { ApiError, conflict, notFound } from '../state/errors.js';
import { alphanumeric } from './ids.js';
import { CAN_PUBLISH, type IngestConfigurationRec, type ParticipantRec, type StageRec } from '../state/store.js';

export function streamKey(emu: Emulator, configId: string): string {
  return `rt_${emu.accountId}_${emu.region}_${configId}_${alphanumeric(28)}`;
}

/** The participant publishing through `rec` now, if any. */
export function ingestPublisher(emu: Emulator, rec: IngestConfigurationRec): ParticipantRec | undefined {
  const stage = emu.store.stages.get(rec.stageArn);
  if (!stage?.activeSessionId) return undefined;
  for (const p of emu.store.participants.get(stage.activeSessionId)!.values()) {
    if (p.connected && p.ingestConfigurationArn === rec.arn) return p;
  }
  return undefined;
}

/** Whose a stream key is: a configuration's key or backup key, or (`valid` false) a key that names a configuration with the wrong secret. */
function keyOwner(emu: Emulator, key: string): { rec: IngestConfigurationRec; participantId: string; valid: boolean } | undefined {
  for (const rec of emu.store.ingests.values()) {
    if (rec.streamKey === key) return { rec, participantId: rec.participantId, valid: true };
    const backup = rec.redundantIngestCredentials?.find((r) => r.streamKey === key);
    if (backup) return { rec, participantId: backup.participantId, valid: true };
  }
  // Keys read rt_<account>_<region>_<configurationId>_<secret> (behaviour reference §9).
  const id = /^rt_\d+_[a-z0-9-]+_([a-zA-Z0-9]+)_/.exec(key)?.[1];
  const rec = id === undefined ? undefined : emu.store.ingests.get(emu.arn('ingest-configuration', id));
  return rec && { rec, participantId: rec.participantId, valid: false };
}

/**
 * An encoder the service refuses still reaches the stage: its participant gets a PUBLISH_ERROR event
 * ("Participant Publish Error"). One that is live already (a reused key) gets it where it is; otherwise
 * it shows as a participant that joined, failed to publish and left (inferred: IVS documents the error
 * codes, not the participant's path).
 */
function refuse(emu: Emulator, stage: StageRec, rec: IngestConfigurationRec, participantId: string, protocol: string, errorCode: string, error: ApiError): never {
  const live = sessionMembers(emu, stage.activeSessionId).get(participantId);
  if (live?.connected) {
    publishError(emu, live, errorCode);
  } else {
    const p = joinStage(
      emu,
      stage,
      { participantId, userId: rec.userId, attributes: rec.attributes, capabilities: CAN_PUBLISH },
      { protocol, ingestConfigurationArn: rec.arn, redundantIngest: rec.redundantIngest },
    );
    publishError(emu, p, errorCode);
    leaveStage(emu, p);
  }
  throw error;
}

/**
 * What an RTMP(S) encoder connecting with `key` causes: a publishing participant on the configuration's
 * stage and the configuration ACTIVE. Refusals carry the event error codes of the real service, in the
 * message and as a PUBLISH_ERROR event of the configuration's participant.
 */
export function ingestConnect(emu: Emulator, key: string, protocol: string | undefined): ParticipantRec {
  const owner = keyOwner(emu, key);
  if (!owner) throw new ApiError('InvalidStreamKeyException', 'INVALID_STREAM_KEY: no ingest configuration has this stream key', 403);
  const { rec, participantId } = owner;
  if (!rec.stageArn) throw notFound(`ingest configuration ${rec.arn} is not attached to a stage`);
  const stage = emu.stage(rec.stageArn);
  const used = protocol ?? rec.ingestProtocol;
  if (!owner.valid) {
    refuse(emu, stage, rec, participantId, used, 'INVALID_STREAM_KEY', new ApiError('InvalidStreamKeyException', `INVALID_STREAM_KEY: the stream key is not valid for ingest configuration ${rec.arn}`, 403));
  }
  if (rec.ingestProtocol === 'RTMPS' && used === 'RTMP') {
    refuse(emu, stage, rec, participantId, used, 'INVALID_PROTOCOL', new ApiError('InvalidProtocolException', `INVALID_PROTOCOL: ingest configuration ${rec.arn} accepts RTMPS only`, 400));
  }
  if (sessionMembers(emu, stage.activeSessionId).get(participantId)?.connected) {
    refuse(emu, stage, rec, participantId, used, 'REUSE_OF_STREAM_KEY', conflict(`REUSE_OF_STREAM_KEY: the stream key of ${rec.arn} is already live on ${stage.arn}`));
  }
  const p = joinStage(
    emu,
    stage,
    { participantId, userId: rec.userId, attributes: rec.attributes, capabilities: CAN_PUBLISH },
    { protocol: used, ingestConfigurationArn: rec.arn, redundantIngest: rec.redundantIngest },
  );
  try {
    publish(emu, p);
  } catch (error) {
    leaveStage(emu, p);
    throw error;
  }
  emu.mutate([{ k: 'ingest', v: { ...emu.ingest(rec.arn), state: 'ACTIVE' } }]);
  return current(emu, p);
}
