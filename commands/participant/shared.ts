import type { ArgSpec, Column } from '../../src/cli/command.js';

export const participantArgument: ArgSpec = { name: 'participant', description: 'participant id (the token\'s participantId)', field: 'participantId' };

/** ParticipantSummary, as ListParticipants returns it (the protocol and client details come only from `participant get`). */
export const participantColumns: Column[] = [
  { header: 'USER ID', field: 'userId' },
  { header: 'PARTICIPANT ID', field: 'participantId' },
  { header: 'STATE', field: 'state', format: 'state' },
  { header: 'PUBLISHED', field: 'published', format: 'bool' },
  { header: 'RECORDING', field: 'recordingState', format: 'state' },
  { header: 'REPLICATION', field: 'replicationType' },
  { header: 'FIRST JOIN', field: 'firstJoinTime' },
];
