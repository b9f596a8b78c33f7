import { defineVerb } from '../../src/cli/command.js';
import { tagsOption } from '../stage/shared.js';
import { storageColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'Create a storage configuration for an S3 bucket',
  order: 10,
  operation: 'CreateStorageConfiguration',
  description:
    'Creates a storage configuration: the S3 bucket compositions and participant recording write to. ' +
    'The bucket must exist in the same region with Object Ownership set to "bucket owner enforced" or "preferred"; the service adds a bucket policy so IVS can write to it.',
  examples: [
    { command: 'ivsrt storage-config create --bucket my-recordings --name recordings' },
    { command: 'ivsrt storage-config create --bucket my-recordings --tags team=video --json' },
  ],
  options: [
    { flags: '--bucket <name>', description: 'S3 bucket name (required; 3-63 lower-case letters, digits, . and -)', field: 's3.bucketName' },
    { flags: '--name <name>', description: 'storage configuration name (letters, digits, - and _; up to 128)', field: 'name' },
    tagsOption,
  ],
  output: { root: 'storageConfiguration', columns: storageColumns },
});
