import { getVerb } from '../shared/config-verbs.js';
import { ingestOutput, showStreamKeyOption, sendNoticingStreamKey } from './shared.js';

export const verb = getVerb('ingest-config', {
  summary: 'Show an ingest configuration (stream key hidden unless asked)',
  order: 20,
  operation: 'GetIngestConfiguration',
  description:
    'Shows an ingest configuration: protocol, stage, state (ACTIVE while an encoder publishes), participant and user id. ' +
    'The stream key is left out of tables and TSV unless you pass --show-stream-key; --json prints the response as is.',
  examples: [
    { command: 'ivsrt ingest-config get obs', description: 'by name' },
    { command: 'ivsrt ingest-config get obs --query ingestConfiguration.streamKey', description: 'the stream key for an encoder' },
    { command: 'ivsrt ingest-config get obs --show-stream-key' },
  ],
  options: [showStreamKeyOption],
  output: ingestOutput,
  run: (ctx, options) => sendNoticingStreamKey(ctx, verb, options),
});

