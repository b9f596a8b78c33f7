import type { Column } from '../../src/cli/command.js';
import { idOf } from '../shared/config-verbs.js';

export const storageColumns: Column[] = [
  { header: 'NAME', field: 'name' },
  { header: 'ID', field: 'arn', value: (row) => idOf(row.arn) },
  { header: 'BUCKET', field: 's3.bucketName' },
  { header: 'TAGS', field: 'tags' },
];
