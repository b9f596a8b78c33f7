// Ingest configurations: RTMP(S) publishers with a stream key (behaviour reference §9).
import { current, joinStage, leaveStage, publish, publishError, sessionMembers } from '../../domain/activity.js';
import type { Emulator } from '../../domain/emulator.js';
import { ApiError, conflict, notFound, quotaExceeded, validationError } from '../../state/errors.js';
import { alphanumeric, newResourceId } from '../../domain/ids.js';
import { paginate } from '../pagination.js';
import { CAN_PUBLISH, type IngestConfigurationRec, type ParticipantRec, type StageRec } from '../../state/store.js';
import { checkAttributesSize, checkExclusive } from '../../domain/validation.js';
import { ingestSummary, ingestView } from '../../domain/views.js';
import { tagsOf, type Handler } from './common.js';

export function streamKey(emu: Emulator, configId: string): string {
  return `rt_${emu.accountId}_${emu.region}_${configId}_${alphanumeric(28)}`;
}

export const createIngestConfiguration: Handler<'CreateIngestConfiguration'> = (emu, input) => {
  if (emu.store.ingests.size >= emu.quotas.ingestConfigurations) {
    throw quotaExceeded(`the account already has ${emu.quotas.ingestConfigurations} ingest configurations`);
  }
  const insecureIngest: boolean = input.insecureIngest ?? false;
  if (input.ingestProtocol === 'RTMP' && !insecureIngest) {
    throw validationError('1 validation error detected: insecureIngest must be true when ingestProtocol is RTMP');
  }
  checkAttributesSize('attributes', input.attributes);
  const stageArn: string = input.stageArn ?? '';
  if (stageArn && !emu.store.stages.has(stageArn)) throw validationError(`1 validation error detected: stageArn ${stageArn} does not exist`);
  const id = newResourceId();
  const redundantIngest: boolean = input.redundantIngest ?? false;
  const rec: IngestConfigurationRec = {
    arn: emu.arn('ingest-configuration', id),
    id,
    name: input.name ?? '',
    ingestProtocol: input.ingestProtocol,
    insecureIngest,
    streamKey: streamKey(emu, id),
    stageArn,
    participantId: newResourceId(),
    state: 'INACTIVE',
    redundantIngest,
    tags: tagsOf(input),
  };
  if (input.userId !== undefined) rec.userId = input.userId;
  if (input.attributes !== undefined) rec.attributes = input.attributes;
  if (redundantIngest) rec.redundantIngestCredentials = [{ participantId: newResourceId(), streamKey: streamKey(emu, id) }];
  emu.mutate([{ k: 'ingest', v: rec }]);
  return { ingestConfiguration: ingestView(rec) };
};

export const getIngestConfiguration: Handler<'GetIngestConfiguration'> = (emu, input) => ({ ingestConfiguration: ingestView(emu.ingest(input.arn)) });

export const updateIngestConfiguration: Handler<'UpdateIngestConfiguration'> = (emu, input) => {
  const before = emu.ingest(input.arn);
  if (before.state === 'ACTIVE') throw conflict(`ingest configuration ${before.arn} is ACTIVE (a publisher is live); stop it first`);
  const rec = { ...before };
  if (input.stageArn !== undefined) {
    if (input.stageArn !== '') emu.stage(input.stageArn);
    rec.stageArn = input.stageArn;
  }
  if (input.redundantIngest !== undefined && input.redundantIngest !== rec.redundantIngest) {
    rec.redundantIngest = input.redundantIngest;
    rec.redundantIngestCredentials = input.redundantIngest ? [{ participantId: newResourceId(), streamKey: streamKey(emu, rec.id) }] : undefined;
  }
  emu.mutate([{ k: 'ingest', v: rec }]);
  return { ingestConfiguration: ingestView(rec) };
};

export const deleteIngestConfiguration: Handler<'DeleteIngestConfiguration'> = (emu, input) => {
  const rec = emu.ingest(input.arn);
  if (rec.state === 'ACTIVE') {
    if (!input.force) throw conflict(`ingest configuration ${rec.arn} is ACTIVE; pass force=true to disconnect its publisher and delete it`);
    const publisher = ingestPublisher(emu, rec);
    if (publisher) leaveStage(emu, publisher);
  }
  emu.mutate([{ k: 'delete', kind: 'ingest', arn: rec.arn }]);
  return {};
};

export const listIngestConfigurations: Handler<'ListIngestConfigurations'> = (emu, input) => {
  checkExclusive(input, ['filterByStageArn', 'filterByState']);
  const all = [...emu.store.ingests.values()].filter(
    (c) => (input.filterByStageArn === undefined || c.stageArn === input.filterByStageArn) && (input.filterByState === undefined || c.state === input.filterByState),
  );
  const page = paginate('ListIngestConfigurations', all, input, 50);
  return { ingestConfigurations: page.items.map(ingestSummary), nextToken: page.nextToken };
};

function ingestPublisher(emu: Emulator, rec: IngestConfigurationRec): ParticipantRec | undefined {
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
