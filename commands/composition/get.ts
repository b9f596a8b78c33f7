import { defineVerb } from '../../src/cli/command.js';
import { compositionArgument, compositionColumns } from './shared.js';

export const verb = defineVerb({
  operation: 'GetComposition',
  description:
    'Shows a composition: its state, its stage, the layout, and each destination with its state and, for S3, the recording prefix. ' +
    'Stopped and failed compositions disappear about five minutes after they end.',
  examples: [
    { command: 'ivsrt composition get s2AdaGUbvQgp', description: 'by id' },
    { command: "ivsrt composition get s2AdaGUbvQgp --query 'composition.destinations[].detail.s3.recordingPrefix'", description: 'where the recording goes' },
  ],
  args: [compositionArgument],
  output: { root: 'composition', columns: compositionColumns },
});
