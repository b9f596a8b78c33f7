import { defineVerb } from '../../src/cli/command.js';
import { sessionOption, stageArgument } from '../session/shared.js';
import { participantArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Show a participant: state, protocol, client, recording, replication',
  order: 20,
  operation: 'GetParticipant',
  description:
    "Shows one participant of a session: state, whether they published, protocol, client (OS, browser, SDK, ISP), attributes, recording and replication. Without --session it looks in the stage's active session.",
  examples: [
    { command: 'ivsrt participant get demo tU06DT5jCJeb' },
    { command: 'ivsrt participant get demo tU06DT5jCJeb --session st-a1b2c3d4e5f6g --query participant.state', description: 'in a past session' },
  ],
  args: [stageArgument, participantArgument],
  options: [sessionOption],
  output: {
    root: 'participant',
    columns: [
      { header: 'PARTICIPANT ID', field: 'participantId' },
      { header: 'USER ID', field: 'userId' },
      { header: 'STATE', field: 'state' },
      { header: 'PUBLISHED', field: 'published' },
      { header: 'PROTOCOL', field: 'protocol' },
      { header: 'FIRST JOIN', field: 'firstJoinTime' },
    ],
  },
});
