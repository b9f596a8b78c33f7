import { defineVerb, type Verb } from '../../src/cli/command.js';
import { tagsOption } from '../stage/shared.js';
import { ingestOutput, showStreamKeyOption, sendNoticingStreamKey } from './shared.js';

export const verb: Verb = defineVerb({
  summary: 'Create an RTMP(S) ingest configuration and its stream key',
  order: 10,
  operation: 'CreateIngestConfiguration',
  description:
    'Creates an ingest configuration: a stream key an RTMP(S) encoder (OBS, ffmpeg) publishes to a stage with, appearing there as a participant. ' +
    'RTMP sends the key unencrypted, so --protocol rtmp needs --insecure. The stream key is a secret: tables and TSV leave it out unless you pass --show-stream-key; --json prints it.',
  examples: [
    { command: 'ivsrt ingest-config create --protocol rtmps --stage demo --name obs --user-id studio-a' },
    { command: "ivsrt ingest-config create --protocol rtmps --stage demo --query 'ingestConfiguration.streamKey'", description: 'just the stream key, for a script' },
    { command: 'ivsrt ingest-config create --protocol rtmp --insecure --stage demo --redundant', description: 'plain RTMP with a backup stream key' },
  ],
  options: [
    { flags: '--protocol <protocol>', description: 'rtmps (encrypted) or rtmp (needs --insecure); required', field: 'ingestProtocol', parse: 'upper', choices: ['rtmp', 'rtmps'] },
    { flags: '--name <name>', description: 'ingest configuration name (letters, digits, - and _; up to 128)', field: 'name' },
    { flags: '--stage <stage>', description: 'stage name, id or ARN the publisher joins (attach later with `update`)', field: 'stageArn', resource: 'stage' },
    { flags: '--user-id <id>', description: 'user id of the participant the publisher becomes', field: 'userId' },
    { flags: '--attributes <key=value,...>', description: 'attributes of that participant (1 KB in all)', field: 'attributes', parse: 'keyValues' },
    { flags: '--insecure', description: 'accept unencrypted RTMP (required with --protocol rtmp)', field: 'insecureIngest' },
    { flags: '--redundant', description: 'also issue a backup stream key for a redundant encoder', field: 'redundantIngest' },
    tagsOption,
    showStreamKeyOption,
  ],
  validate(request) {
    if (request.ingestProtocol === 'RTMP' && request.insecureIngest !== true) {
      return [{ path: 'insecureIngest', rule: 'is required with --protocol rtmp, which sends the stream key unencrypted (or use --protocol rtmps)' }];
    }
    return [];
  },
  output: ingestOutput,
  run: (ctx, options) => sendNoticingStreamKey(ctx, verb, options),
});
