import { defineVerb, yesOption } from '../../src/cli/command.js';
import { referenceArgument } from '../shared/arguments.js';

export const verb = defineVerb({
  summary: 'Delete a stage, disconnecting everyone on it',
  order: 40,
  operation: 'DeleteStage',
  description: 'Deletes a stage. Everyone on it is disconnected and its active session ends; ingest configurations attached to it are detached.',
  examples: [{ command: 'ivsrt stage delete demo' }, { command: 'ivsrt stage delete arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234 --yes', description: 'in a script' }],
  args: [referenceArgument('stage')],
  options: [yesOption],
  confirm: (request) => `Delete stage ${String(request.arn)}?`,
  output: { done: (typed) => `Deleted stage ${String(typed.stage)}` },
});
