import { listVerb } from '../shared/config-verbs.js';
import { storageColumns } from './shared.js';

export const verb = listVerb({
  summary: 'List storage configurations',
  order: 40,
  aliases: ['ls'],
  operation: 'ListStorageConfigurations',
  description: 'Lists the storage configurations in the region with their S3 buckets.',
  examples: [{ command: 'ivsrt storage-config list' }, { command: "ivsrt storage-config list --query 'storageConfigurations[].s3.bucketName'", description: 'only the buckets' }],
  output: { root: 'storageConfigurations', columns: storageColumns },
});
