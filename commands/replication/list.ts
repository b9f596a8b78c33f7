import { defineVerb } from '../../src/cli/command.js';
import { fromOption, replicatedParticipant } from './shared.js';

export const verb = defineVerb({
  summary: 'List where a participant is replicated',
  order: 30,
  aliases: ['ls'],
  operation: 'ListParticipantReplicas',
  paginated: true,
  description: 'Lists the stages a participant is (or was) replicated into from its source stage, with each replica\'s session and state.',
  examples: [
    { command: 'ivsrt replication list tU06DT5jCJeb --from studio' },
    { command: "ivsrt replication list tU06DT5jCJeb --from studio --json --query 'replicas[?replicationState==`ACTIVE`].destinationStageArn'", description: 'where it is live now' },
  ],
  args: [replicatedParticipant],
  options: [fromOption],
  output: {
    root: 'replicas',
    columns: [
      { header: 'DESTINATION STAGE', field: 'destinationStageArn' },
      { header: 'DESTINATION SESSION', field: 'destinationSessionId' },
      { header: 'SOURCE SESSION', field: 'sourceSessionId' },
      { header: 'STATE', field: 'replicationState', format: 'state' },
    ],
  },
});
