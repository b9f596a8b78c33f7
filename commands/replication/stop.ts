import { defineVerb, yesOption } from '../../src/cli/command.js';
import { fromOption, headerMembers, replicatedParticipant, toOption } from './shared.js';

export const verb = defineVerb({
  summary: 'Stop replicating a participant into a stage',
  order: 20,
  operation: 'StopParticipantReplication',
  description: 'Stops replicating a participant into a stage: the replica leaves the destination stage. The participant stays on the source stage. Asks first on a terminal; pass --yes in scripts.',
  examples: [
    { command: 'ivsrt replication stop tU06DT5jCJeb --from studio --to audience' },
    { command: 'ivsrt replication stop tU06DT5jCJeb --from studio --to audience --yes', description: 'in a script' },
  ],
  args: [replicatedParticipant],
  options: [fromOption, toOption, yesOption],
  confirm: (request) => `Stop replicating participant ${String(request.participantId)} from ${String(request.sourceStageArn)} to ${String(request.destinationStageArn)}?`,
  output: {
    conceal: headerMembers('StopParticipantReplicationResponse'),
    done: (typed) => `Stopped replicating participant ${String(typed.participant)} from ${String(typed.from)} to ${String(typed.to)}`,
  },
});
