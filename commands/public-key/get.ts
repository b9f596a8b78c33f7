import { getVerb } from '../shared/config-verbs.js';
import { publicKeyColumns } from './shared.js';

export const verb = getVerb('public-key', {
  summary: 'Show a public key',
  order: 30,
  operation: 'GetPublicKey',
  description: 'Shows a public key: its ARN (the `kid` of tokens signed with it), name, fingerprint, PEM and tags.',
  examples: [
    { command: 'ivsrt public-key get web-app', description: 'by name' },
    { command: 'ivsrt public-key get web-app --query publicKey.publicKeyMaterial > key.pub.pem', description: 'save the PEM' },
  ],
  output: { root: 'publicKey', columns: publicKeyColumns },
});
