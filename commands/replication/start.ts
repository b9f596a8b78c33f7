import { defineVerb } from '../../src/cli/command.js';
import { attributesOption, attributesWithinLimit } from '../token/shared.js';
import { fromOption, headerMembers, replicatedParticipant, toOption } from './shared.js';

export const verb = defineVerb({
  summary: 'Replicate a publishing participant into another stage',
  order: 10,
  operation: 'StartParticipantReplication',
  description:
    'Replicates a publishing participant into another stage: it appears there with the same participant id (replicationType REPLICA) until `replication stop`, ' +
    'or until it stops publishing and does not come back within --reconnect-window. Call once per direction; up to 5 replications per participant.',
  examples: [
    { command: 'ivsrt replication start tU06DT5jCJeb --from studio --to audience' },
    { command: 'ivsrt replication start tU06DT5jCJeb --from studio --to audience --reconnect-window 60 --attributes role=guest', description: 'survive a one-minute drop; extra attributes on the replica' },
  ],
  args: [replicatedParticipant],
  options: [
    fromOption,
    toOption,
    { flags: '--reconnect-window <seconds>', description: 'keep replicating if the publisher reconnects within this many seconds (0-300, default 0)', field: 'reconnectWindowSeconds', parse: 'int' },
    attributesOption("attributes of the replica, merged over the token's (these win)"),
  ],
  validate: attributesWithinLimit,
  output: {
    conceal: headerMembers('StartParticipantReplicationResponse'),
    done: (typed) => `Replicating participant ${String(typed.participant)} from ${String(typed.from)} to ${String(typed.to)}`,
  },
});
