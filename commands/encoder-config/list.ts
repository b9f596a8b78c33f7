import { listVerb } from '../shared/config-verbs.js';
import { encoderColumns } from './shared.js';

export const verb = listVerb({
  summary: 'List encoder configurations',
  order: 40,
  aliases: ['ls'],
  operation: 'ListEncoderConfigurations',
  description: 'Lists the encoder configurations in the region (the summaries carry no video settings; `get` shows them).',
  examples: [{ command: 'ivsrt encoder-config list' }, { command: "ivsrt encoder-config list --query 'encoderConfigurations[].arn'", description: 'only the ARNs' }],
  output: { root: 'encoderConfigurations', columns: encoderColumns.filter((c) => !c.field.startsWith('video.')) },
});
