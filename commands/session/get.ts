import { defineVerb } from '../../src/cli/command.js';
import { sessionColumns, sessionOption, stageArgument } from './shared.js';

export const verb = defineVerb({
  summary: "Show a session (default: the stage's active one)",
  order: 20,
  operation: 'GetStageSession',
  description: "Shows one session of a stage: its id, start and end time. Without --session it shows the stage's active session.",
  examples: [
    { command: 'ivsrt session get demo', description: 'the active session' },
    { command: 'ivsrt session get demo --session st-a1b2c3d4e5f6g --json', description: 'a past session' },
  ],
  args: [stageArgument],
  options: [sessionOption],
  output: { root: 'stageSession', columns: sessionColumns },
});
