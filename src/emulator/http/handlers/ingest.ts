// Ingest configurations: RTMP(S) publishers with a stream key (behaviour reference §9).
import { leaveStage } from '../../domain/activity.js';
import { ingestPublisher, streamKey } from '../../domain/ingest.js';
import { conflict, quotaExceeded, validationError } from '../../state/errors.js';
import { newResourceId } from '../../domain/ids.js';
import { paginate } from '../pagination.js';
import type { IngestConfigurationRec } from '../../state/store.js';
import { checkAttributesSize, checkExclusive } from '../../domain/validation.js';
import { ingestSummary, ingestView } from '../../domain/views.js';
import { tagsOf, type Handler, type Handlers } from './common.js';

const createIngestConfiguration: Handler<'CreateIngestConfiguration'> = (emu, input) => {
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

const getIngestConfiguration: Handler<'GetIngestConfiguration'> = (emu, input) => ({ ingestConfiguration: ingestView(emu.ingest(input.arn)) });

const updateIngestConfiguration: Handler<'UpdateIngestConfiguration'> = (emu, input) => {
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

const deleteIngestConfiguration: Handler<'DeleteIngestConfiguration'> = (emu, input) => {
  const rec = emu.ingest(input.arn);
  if (rec.state === 'ACTIVE') {
    if (!input.force) throw conflict(`ingest configuration ${rec.arn} is ACTIVE; pass force=true to disconnect its publisher and delete it`);
    const publisher = ingestPublisher(emu, rec);
    if (publisher) leaveStage(emu, publisher);
  }
  emu.mutate([{ k: 'delete', kind: 'ingest', arn: rec.arn }]);
  return {};
};

const listIngestConfigurations: Handler<'ListIngestConfigurations'> = (emu, input) => {
  checkExclusive(input, ['filterByStageArn', 'filterByState']);
  const all = [...emu.store.ingests.values()].filter(
    (c) => (input.filterByStageArn === undefined || c.stageArn === input.filterByStageArn) && (input.filterByState === undefined || c.state === input.filterByState),
  );
  const page = paginate('ListIngestConfigurations', all, input, 50);
  return { ingestConfigurations: page.items.map(ingestSummary), nextToken: page.nextToken };
};

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const INGEST_HANDLERS = {
  CreateIngestConfiguration: createIngestConfiguration,
  DeleteIngestConfiguration: deleteIngestConfiguration,
  GetIngestConfiguration: getIngestConfiguration,
  ListIngestConfigurations: listIngestConfigurations,
  UpdateIngestConfiguration: updateIngestConfiguration,
} satisfies Handlers;
