import { defineVerb } from '../../src/cli/command.js';
import { compositionColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'List compositions and the state of their destinations',
  order: 50,
  aliases: ['ls'],
  operation: 'ListCompositions',
  paginated: true,
  description:
    'Lists the compositions in the region (running ones, and stopped or failed ones for about five minutes), with the state of each destination. Filter by stage or by an encoder configuration they use.',
  examples: [
    { command: 'ivsrt composition list' },
    { command: 'ivsrt composition list --stage demo' },
    { command: 'ivsrt composition list --encoder-config hd', description: 'which compositions keep an encoder configuration from being deleted' },
  ],
  options: [
    { flags: '--stage <stage>', description: 'only compositions of this stage (name, id or ARN)', field: 'filterByStageArn', resource: 'stage' },
    { flags: '--encoder-config <encoder-config>', description: 'only compositions using this encoder configuration (name, id or ARN)', field: 'filterByEncoderConfigurationArn', resource: 'encoder-config' },
  ],
  output: { root: 'compositions', columns: compositionColumns },
});
