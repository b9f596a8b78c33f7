import { defineVerb } from '../../src/cli/command.js';
import { activeSessionDefault, sessionArgument, sessionColumns, stageArgument } from './shared.js';

export const verb = defineVerb({
  operation: 'GetStageSession',
  description: "Shows one session of a stage: its id, start and end time. Without a session id it shows the stage's active session.",
  examples: [
    { command: 'ivsrt session get demo', description: 'the active session' },
    { command: 'ivsrt session get demo st-a1b2c3d4e5f6g --json' },
  ],
  args: [stageArgument, sessionArgument],
  ...activeSessionDefault,
  output: { root: 'stageSession', columns: sessionColumns },
});
