import { getVerb } from '../shared/config-verbs.js';
import { storageColumns } from './shared.js';

export const verb = getVerb('storage-config', {
  summary: 'Show a storage configuration',
  order: 20,
  operation: 'GetStorageConfiguration',
  description: 'Shows a storage configuration: its S3 bucket and tags.',
  examples: [
    { command: 'ivsrt storage-config get recordings', description: 'by name' },
    { command: 'ivsrt storage-config get recordings --query storageConfiguration.s3.bucketName', description: 'just the bucket' },
  ],
  output: { root: 'storageConfiguration', columns: storageColumns },
});
