import type { ArgSpec } from '../../src/cli/command.js';

export const resourceArgument: ArgSpec = {
  name: 'resource',
  description: 'any ivsrt resource ARN, or the name or id of a stage, composition, encoder/storage/ingest configuration or public key',
  field: 'resourceArn',
  resource: 'any',
};
