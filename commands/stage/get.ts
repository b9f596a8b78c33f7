import { defineVerb } from '../../src/cli/command.js';
import { referenceArgument } from '../shared/arguments.js';
import { stageColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'Show a stage',
  order: 20,
  operation: 'GetStage',
  description: 'Shows a stage: its ARN, name, active session, endpoints, recording configuration and tags.',
  examples: [
    { command: 'ivsrt stage get demo', description: 'by name' },
    { command: 'ivsrt stage get demo --query stage.activeSessionId', description: 'just the active session id' },
  ],
  args: [referenceArgument('stage')],
  output: { root: 'stage', columns: stageColumns },
});
