import { deleteVerb } from '../shared/config-verbs.js';

export const verb = deleteVerb('ingest-config', {
  summary: 'Delete an ingest configuration',
  order: 40,
  operation: 'DeleteIngestConfiguration',
  description:
    'Deletes an ingest configuration; its stream keys stop working. While an encoder publishes with it (state ACTIVE) the service refuses with ConflictException, unless --force, which disconnects that publisher first.',
  examples: [
    { command: 'ivsrt ingest-config delete obs' },
    { command: 'ivsrt ingest-config delete obs --force --yes', description: 'even while live, in a script' },
  ],
  options: [{ flags: '--force', description: 'disconnect an active publisher and delete anyway', field: 'force' }],
});
