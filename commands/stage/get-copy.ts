import { defineVerb } from '../../src/cli/command.js';
import { referenceArgument } from '../shared/arguments.js';
import { stageColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'Show a stage, through GetStageCopy (a trial operation)',
  order: 25,
  operation: 'GetStageCopy',
  description: 'Shows a stage through GetStageCopy, a trial of the "How to add an operation" recipe.',
  examples: [{ command: 'ivsrt stage get-copy demo', description: 'by name' }],
  args: [referenceArgument('stage')],
  output: { root: 'stage', columns: stageColumns },
});
