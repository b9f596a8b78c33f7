import { defineVerb, type Verb } from '../../src/cli/command.js';
import { referenceArgument } from '../shared/arguments.js';
import { ingestOutput, sendNoticingStreamKey, showStreamKeyOption } from './shared.js';

export const verb: Verb = defineVerb({
  summary: 'Attach an ingest configuration to another stage, or detach it',
  order: 30,
  operation: 'UpdateIngestConfiguration',
  description:
    'Attaches an ingest configuration to another stage, or detaches it with --stage "". The service refuses (ConflictException) while the configuration is ACTIVE, i.e. an encoder is publishing with it.',
  examples: [
    { command: 'ivsrt ingest-config update obs --stage town-hall' },
    { command: 'ivsrt ingest-config update obs --stage ""', description: 'detach it from every stage' },
  ],
  args: [referenceArgument('ingest-config')],
  options: [
    { flags: '--stage <stage>', description: 'stage name, id or ARN to attach to; "" detaches', field: 'stageArn', resource: 'stage' },
    showStreamKeyOption,
  ],
  validate(request) {
    if (request.stageArn === undefined && request.redundantIngest === undefined) {
      return [{ path: 'stageArn', rule: 'is required: a stage name, id or ARN, or "" to detach' }];
    }
    return [];
  },
  output: ingestOutput,
  run: (ctx, options) => sendNoticingStreamKey(ctx, verb, options),
});
