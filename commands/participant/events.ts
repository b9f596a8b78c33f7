import { defineVerb } from '../../src/cli/command.js';
import { sessionOption, stageArgument } from '../session/shared.js';
import { participantArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'List what a participant did in a session',
  order: 30,
  operation: 'ListParticipantEvents',
  paginated: true,
  description:
    "Lists what a participant did in a session, newest first: joined, left, started and stopped publishing or subscribing (REMOTE is the publisher), errors with their code, replication and token exchange. Without --session it looks in the stage's active session.",
  examples: [
    { command: 'ivsrt participant events demo tU06DT5jCJeb' },
    { command: "ivsrt participant events demo tU06DT5jCJeb --session st-a1b2c3d4e5f6g --json --query 'events[?errorCode]'", description: 'only the errors of a past session' },
  ],
  args: [stageArgument, participantArgument],
  options: [sessionOption],
  output: {
    root: 'events',
    columns: [
      { header: 'TIME', field: 'eventTime' },
      { header: 'EVENT', field: 'name' },
      { header: 'PARTICIPANT', field: 'participantId' },
      { header: 'REMOTE', field: 'remoteParticipantId' },
      { header: 'ERROR', field: 'errorCode', format: 'state' },
    ],
  },
});
