// Operation name → handler, for all 39 operations of the model.
import type { OperationName } from '../../../model/api.js';
import type { Emulator } from '../../domain/emulator.js';
import type { Handler } from './common.js';
import { getComposition, listCompositions, startComposition, stopCompositionHandler } from './compositions.js';
import {
  createEncoderConfiguration,
  createStorageConfiguration,
  deleteEncoderConfiguration,
  deleteStorageConfiguration,
  getEncoderConfiguration,
  getStorageConfiguration,
  listEncoderConfigurations,
  listStorageConfigurations,
} from './configs.js';
import { createIngestConfiguration, deleteIngestConfiguration, getIngestConfiguration, listIngestConfigurations, updateIngestConfiguration } from './ingest.js';
import {
  disconnectParticipant,
  getParticipant,
  listParticipantEvents,
  listParticipantReplicas,
  listParticipants,
  startParticipantReplication,
  stopParticipantReplication,
} from './participants.js';
import { deletePublicKey, getPublicKey, importPublicKey, listPublicKeys } from './public-keys.js';
import { createParticipantToken, createStage, deleteStage, getStage, getStageSession, listStages, listStageSessions, updateStage } from './stages.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';

const TYPED: { [O in OperationName]: Handler<O> } = {
  CreateEncoderConfiguration: createEncoderConfiguration,
  CreateIngestConfiguration: createIngestConfiguration,
  CreateParticipantToken: createParticipantToken,
  CreateStage: createStage,
  CreateStorageConfiguration: createStorageConfiguration,
  DeleteEncoderConfiguration: deleteEncoderConfiguration,
  DeleteIngestConfiguration: deleteIngestConfiguration,
  DeletePublicKey: deletePublicKey,
  DeleteStage: deleteStage,
  DeleteStorageConfiguration: deleteStorageConfiguration,
  DisconnectParticipant: disconnectParticipant,
  GetComposition: getComposition,
  GetEncoderConfiguration: getEncoderConfiguration,
  GetIngestConfiguration: getIngestConfiguration,
  GetParticipant: getParticipant,
  GetPublicKey: getPublicKey,
  GetStage: getStage,
  GetStageSession: getStageSession,
  GetStorageConfiguration: getStorageConfiguration,
  ImportPublicKey: importPublicKey,
  ListCompositions: listCompositions,
  ListEncoderConfigurations: listEncoderConfigurations,
  ListIngestConfigurations: listIngestConfigurations,
  ListParticipantEvents: listParticipantEvents,
  ListParticipantReplicas: listParticipantReplicas,
  ListParticipants: listParticipants,
  ListPublicKeys: listPublicKeys,
  ListStageSessions: listStageSessions,
  ListStages: listStages,
  ListStorageConfigurations: listStorageConfigurations,
  ListTagsForResource: listTagsForResource,
  StartComposition: startComposition,
  StartParticipantReplication: startParticipantReplication,
  StopComposition: stopCompositionHandler,
  StopParticipantReplication: stopParticipantReplication,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateIngestConfiguration: updateIngestConfiguration,
  UpdateStage: updateStage,
};

/**
 * By operation name, for the server, which has checked the body against the operation's input shape
 * (validateInput) before it calls one: that check is what makes the body the handler's input type.
 */
export const HANDLERS = TYPED as unknown as Record<string, (emu: Emulator, input: Record<string, unknown>) => Record<string, unknown>>;
