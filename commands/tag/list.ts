import { defineVerb } from '../../src/cli/command.js';
import { resourceArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Show the tags of any resource',
  order: 10,
  aliases: ['ls'],
  operation: 'ListTagsForResource',
  description: 'Shows the tags of any resource: a stage, composition, encoder, storage or ingest configuration, or public key.',
  examples: [
    { command: 'ivsrt tag list demo', description: 'by name' },
    { command: 'ivsrt tag list arn:aws:ivs:us-west-2:123456789012:stage/abcdABCDefgh --query tags.team' },
  ],
  args: [resourceArgument],
  output: { root: 'tags' },
});
