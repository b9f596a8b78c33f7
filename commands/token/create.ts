import { defineVerb } from '../../src/cli/command.js';
import { stageArgument } from '../session/shared.js';
import { attributesOption, attributesWithinLimit } from './shared.js';

export const verb = defineVerb({
  summary: 'Ask IVS for a participant token for a stage',
  order: 30,
  operation: 'CreateParticipantToken',
  description:
    'Asks IVS for a participant token for a stage. A client joins the stage with it; the token is valid for --duration minutes (default 720). ' +
    'Without --capabilities it may both publish and subscribe. The user id and attributes are visible to everyone on the stage, so keep personal data out of them.',
  examples: [
    { command: 'ivsrt token create demo --user-id alice', description: 'a token to publish and subscribe for 12 hours' },
    { command: 'ivsrt token create demo --capabilities subscribe --duration 60 --query participantToken.token', description: 'just the token of a one-hour viewer' },
    { command: 'ivsrt token create demo --user-id bob --attributes displayName=Bob,role=host --json' },
  ],
  args: [stageArgument],
  options: [
    { flags: '--user-id <id>', description: 'user id visible to everyone on the stage (up to 128 characters)', field: 'userId' },
    { flags: '--capabilities <list>', description: 'publish, subscribe or both (default both)', field: 'capabilities', parse: 'upperList', choices: ['publish', 'subscribe'] },
    { flags: '--duration <minutes>', description: 'lifetime in minutes (1-20160, default 720)', field: 'duration', parse: 'int' },
    attributesOption('attributes visible to everyone on the stage'),
  ],
  validate: attributesWithinLimit,
  output: {
    root: 'participantToken',
    columns: [
      { header: 'PARTICIPANT ID', field: 'participantId' },
      { header: 'USER ID', field: 'userId' },
      { header: 'CAPABILITIES', field: 'capabilities' },
      { header: 'EXPIRES', field: 'expirationTime' },
      { header: 'TOKEN', field: 'token' },
    ],
  },
});
