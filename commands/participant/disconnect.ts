import { defineVerb, yesOption } from '../../src/cli/command.js';
import { stageArgument } from '../session/shared.js';
import { participantArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Disconnect a participant and revoke their token',
  order: 40,
  operation: 'DisconnectParticipant',
  description:
    'Disconnects a participant from a stage and revokes them permanently: their token cannot rejoin. If they publish through an ingest configuration, that configuration is detached from the stage. Asks first on a terminal; pass --yes in scripts.',
  examples: [
    { command: 'ivsrt participant disconnect demo tU06DT5jCJeb' },
    { command: 'ivsrt participant disconnect demo tU06DT5jCJeb --reason "violated the code of conduct" --yes', description: 'in a script' },
  ],
  args: [stageArgument, participantArgument],
  options: [{ flags: '--reason <text>', description: 'why the participant is disconnected (up to 128 characters)', field: 'reason' }, yesOption],
  confirm: (request) => `Disconnect participant ${String(request.participantId)} from stage ${String(request.stageArn)}?`,
  output: { done: (typed) => `Disconnected participant ${String(typed.participant)} from stage ${String(typed.stage)}` },
});
