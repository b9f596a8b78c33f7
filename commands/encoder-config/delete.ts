import { deleteVerb } from '../shared/config-verbs.js';

export const verb = deleteVerb('encoder-config', {
  summary: 'Delete an encoder configuration',
  order: 30,
  operation: 'DeleteEncoderConfiguration',
  description: 'Deletes an encoder configuration. The service refuses (ConflictException) while a composition that is not stopped uses it.',
  examples: [{ command: 'ivsrt encoder-config delete hd' }, { command: 'ivsrt encoder-config delete PAAwglkRtjge --yes', description: 'by id, in a script' }],
});
