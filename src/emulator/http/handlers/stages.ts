// Stages, their sessions, and participant tokens.
import { emptyStage } from '../../domain/activity.js';
import { endRecordingsOf, isRecording } from '../../domain/recording.js';
import { stageDeleted } from '../../domain/composition-lifecycle.js';
import { conflict, notFound, quotaExceeded } from '../../state/errors.js';
import { newHostLabel, newResourceId } from '../../domain/ids.js';
import { arnId } from '../../../model/arn.js';
import { paginate, paginateInOrder } from '../pagination.js';
import type { StageRec } from '../../state/store.js';
import { checkAttributesSize } from '../../domain/validation.js';
import { sessionView, stageSummaryJson, stageView } from '../../domain/views.js';
import { JsonItems } from '../wire.js';
import { tagsOf, type Handler, type Handlers } from './common.js';
import { autoRecording, participantToken } from '../../domain/stages.js';

const createParticipantToken: Handler<'CreateParticipantToken'> = (emu, input) => ({
  participantToken: participantToken(emu, emu.stage(input.stageArn), input, ''),
});

const createStage: Handler<'CreateStage'> = (emu, input) => {
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

const getStage: Handler<'GetStage'> = (emu, input) => ({ stage: stageView(emu.stage(input.arn), emu.whipBase) });

const updateStage: Handler<'UpdateStage'> = (emu, input) => {
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

const deleteStage: Handler<'DeleteStage'> = (emu, input) => {
  const stage = emu.stage(input.arn);
  const activeIngest = [...emu.store.ingests.values()].filter((c) => c.stageArn === stage.arn && c.state === 'ACTIVE').map((c) => c.arn);
  emptyStage(emu, stage);
  for (const arn of activeIngest) emu.mutate([{ k: 'ingest', v: { ...emu.ingest(arn), stageArn: '' } }]);
  endRecordingsOf(emu, stage.arn);
  stageDeleted(emu, stage.arn);
  emu.mutate([{ k: 'delete', kind: 'stage', arn: stage.arn }]);
  return {};
};

const listStages: Handler<'ListStages'> = (emu, input) => {
  const page = paginateInOrder('ListStages', emu.store.stages, input, 50);
  return { stages: new JsonItems(page.items.map(stageSummaryJson)), nextToken: page.nextToken };
};

const listStageSessions: Handler<'ListStageSessions'> = (emu, input) => {
  const sessions = emu.store.stageSessions.get(input.stageArn) ?? [];
  const page = paginate('ListStageSessions', sessions, input, 50);
  return { stageSessions: page.items.map(sessionView), nextToken: page.nextToken };
};

const getStageSession: Handler<'GetStageSession'> = (emu, input) => {
  const stage = emu.stage(input.stageArn);
  const session = emu.store.sessions.get(input.sessionId);
  if (!session || session.stageArn !== stage.arn) throw notFound(`session ${input.sessionId} of stage ${arnId(stage.arn)} was not found`);
  return { stageSession: sessionView(session) };
};

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const STAGES_HANDLERS = {
  CreateParticipantToken: createParticipantToken,
  CreateStage: createStage,
  DeleteStage: deleteStage,
  GetStage: getStage,
  GetStageSession: getStageSession,
  ListStageSessions: listStageSessions,
  ListStages: listStages,
  UpdateStage: updateStage,
} satisfies Handlers;
