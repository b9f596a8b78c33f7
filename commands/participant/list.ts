import { defineVerb, type OptionSpec } from '../../src/cli/command.js';
import { flagName } from '../../src/cli/request.js';
import { sessionOption, stageArgument } from '../session/shared.js';
import { participantColumns } from './shared.js';

const filters = [
  { flags: '--user-id <id>', description: 'only participants with this user id', field: 'filterByUserId' },
  { flags: '--published [true|false]', description: 'only participants who published (or, with false, never published) in the session', field: 'filterByPublished', parse: 'boolean' },
  { flags: '--state <state>', description: 'only CONNECTED or DISCONNECTED participants', field: 'filterByState', parse: 'upper', choices: ['CONNECTED', 'DISCONNECTED'] },
  {
    flags: '--recording-state <state>',
    description: 'only participants whose recording is STARTING, ACTIVE, STOPPING, STOPPED or FAILED',
    field: 'filterByRecordingState',
    parse: 'upper',
    choices: ['STARTING', 'ACTIVE', 'STOPPING', 'STOPPED', 'FAILED'],
  },
] as const satisfies readonly OptionSpec[];

export const verb = defineVerb({
  summary: 'List the participants of a session, with one filter',
  order: 10,
  aliases: ['ls'],
  operation: 'ListParticipants',
  paginated: true,
  description:
    "Lists everyone who joined a session of a stage, including those who left (DISCONNECTED). Without --session it lists the stage's active session. " +
    'ListParticipants takes one filter at a time: --user-id, --published, --state or --recording-state; narrow further with --query.',
  examples: [
    { command: 'ivsrt participant list demo', description: 'who is in the active session' },
    { command: 'ivsrt participant list demo --state connected', description: 'only those still connected' },
    { command: 'ivsrt participant list demo --session st-a1b2c3d4e5f6g --published', description: 'who published in a past session' },
    { command: "ivsrt participant list demo --user-id alice --json --query 'participants[?state==`CONNECTED`].participantId'", description: 'two conditions: one filter, one query' },
  ],
  args: [stageArgument],
  options: [sessionOption, ...filters],
  validate(request) {
    const given = filters.filter((f) => request[f.field!] !== undefined && request[f.field!] !== null);
    return given.slice(1).map((f) => ({ path: f.field!, rule: `cannot be combined with ${flagName(given[0]!.flags)}: ListParticipants takes one filter at a time (narrow further with --query)` }));
  },
  output: { root: 'participants', columns: participantColumns },
});
