import { deleteVerb } from '../shared/config-verbs.js';

export const verb = deleteVerb('storage-config', {
  summary: 'Delete a storage configuration',
  order: 30,
  operation: 'DeleteStorageConfiguration',
  description:
    'Deletes a storage configuration (the bucket and its recordings stay). The service refuses (ConflictException) while a composition or a stage\'s participant recording uses it.',
  examples: [{ command: 'ivsrt storage-config delete recordings' }, { command: 'ivsrt storage-config delete ZBcEbgbE24Cq --yes', description: 'by id, in a script' }],
});
