import { listVerb } from '../shared/config-verbs.js';
import { publicKeyColumns } from './shared.js';

export const verb = listVerb({
  summary: 'List public keys',
  order: 50,
  aliases: ['ls'],
  operation: 'ListPublicKeys',
  description: 'Lists the public keys imported in the region (at most 3).',
  examples: [{ command: 'ivsrt public-key list' }, { command: "ivsrt public-key list --query 'publicKeys[].arn'", description: 'only the ARNs' }],
  output: { root: 'publicKeys', columns: publicKeyColumns.filter((c) => c.field !== 'fingerprint') },
});
