import { deleteVerb } from '../shared/config-verbs.js';

export const verb = deleteVerb('public-key', {
  summary: 'Delete a public key; tokens signed with it stop working',
  order: 40,
  operation: 'DeletePublicKey',
  description:
    'Deletes a public key. Participant tokens signed with its private key stop working: nobody can join with them any more. Do this at once if the private key leaked.',
  examples: [{ command: 'ivsrt public-key delete web-app' }, { command: 'ivsrt public-key delete abcdABC1efg2 --yes', description: 'by id, in a script' }],
  consequence: 'Tokens signed with its private key stop working.',
});
