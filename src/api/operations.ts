// Operation name → SDK command class (one per operation of the generated model, or the build fails). The CLI calls the service only through these, so every request
// goes through the real @aws-sdk/client-ivs-realtime serializer, signer and retry logic.
import {
  CreateEncoderConfigurationCommand, CreateIngestConfigurationCommand, CreateParticipantTokenCommand, CreateStageCommand,
  CreateStorageConfigurationCommand, DeleteEncoderConfigurationCommand, DeleteIngestConfigurationCommand, DeletePublicKeyCommand,
  DeleteStageCommand, DeleteStorageConfigurationCommand, DisconnectParticipantCommand, GetCompositionCommand,
  GetEncoderConfigurationCommand, GetIngestConfigurationCommand, GetParticipantCommand, GetPublicKeyCommand, GetStageCommand,
  GetStageSessionCommand, GetStorageConfigurationCommand, ImportPublicKeyCommand, ListCompositionsCommand,
  ListEncoderConfigurationsCommand, ListIngestConfigurationsCommand, ListParticipantEventsCommand, ListParticipantReplicasCommand,
  ListParticipantsCommand, ListPublicKeysCommand, ListStageSessionsCommand, ListStagesCommand, ListStorageConfigurationsCommand,
  ListTagsForResourceCommand, StartCompositionCommand, StartParticipantReplicationCommand, StopCompositionCommand,
  StopParticipantReplicationCommand, TagResourceCommand, UntagResourceCommand, UpdateIngestConfigurationCommand, UpdateStageCommand,
} from '@aws-sdk/client-ivs-realtime';
import type { OperationName } from '../model/api.js';

// The client comes from here, by name, rather than from import() of the package: a bundled import()
// keeps the package's whole namespace (the aggregated IVSRealTime class, paginators, waiters), and
// evaluating that costs every command at start-up.
export { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';

export type { OperationName };

export const SDK_COMMANDS = {
  CreateEncoderConfiguration: CreateEncoderConfigurationCommand,
  CreateIngestConfiguration: CreateIngestConfigurationCommand,
  CreateParticipantToken: CreateParticipantTokenCommand,
  CreateStage: CreateStageCommand,
  CreateStorageConfiguration: CreateStorageConfigurationCommand,
  DeleteEncoderConfiguration: DeleteEncoderConfigurationCommand,
  DeleteIngestConfiguration: DeleteIngestConfigurationCommand,
  DeletePublicKey: DeletePublicKeyCommand,
  DeleteStage: DeleteStageCommand,
  DeleteStorageConfiguration: DeleteStorageConfigurationCommand,
  DisconnectParticipant: DisconnectParticipantCommand,
  GetComposition: GetCompositionCommand,
  GetEncoderConfiguration: GetEncoderConfigurationCommand,
  GetIngestConfiguration: GetIngestConfigurationCommand,
  GetParticipant: GetParticipantCommand,
  GetPublicKey: GetPublicKeyCommand,
  GetStage: GetStageCommand,
  GetStageSession: GetStageSessionCommand,
  GetStorageConfiguration: GetStorageConfigurationCommand,
  ImportPublicKey: ImportPublicKeyCommand,
  ListCompositions: ListCompositionsCommand,
  ListEncoderConfigurations: ListEncoderConfigurationsCommand,
  ListIngestConfigurations: ListIngestConfigurationsCommand,
  ListParticipantEvents: ListParticipantEventsCommand,
  ListParticipantReplicas: ListParticipantReplicasCommand,
  ListParticipants: ListParticipantsCommand,
  ListPublicKeys: ListPublicKeysCommand,
  ListStageSessions: ListStageSessionsCommand,
  ListStages: ListStagesCommand,
  ListStorageConfigurations: ListStorageConfigurationsCommand,
  ListTagsForResource: ListTagsForResourceCommand,
  StartComposition: StartCompositionCommand,
  StartParticipantReplication: StartParticipantReplicationCommand,
  StopComposition: StopCompositionCommand,
  StopParticipantReplication: StopParticipantReplicationCommand,
  TagResource: TagResourceCommand,
  UntagResource: UntagResourceCommand,
  UpdateIngestConfiguration: UpdateIngestConfigurationCommand,
  UpdateStage: UpdateStageCommand,
} as const satisfies Record<OperationName, unknown>;
