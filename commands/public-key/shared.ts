import type { Column } from '../../src/cli/command.js';
import { idOf } from '../shared/config-verbs.js';

export const publicKeyColumns: Column[] = [
  { header: 'NAME', field: 'name' },
  { header: 'ID', field: 'arn', value: (row) => idOf(row.arn) },
  { header: 'FINGERPRINT', field: 'fingerprint' },
  { header: 'TAGS', field: 'tags' },
];
