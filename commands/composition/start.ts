import { defineVerb, type OptionSpec, type Typed } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { isArn } from '../../src/cli/resources.js';
import { validateShape } from '../../src/model/validate.js';
import { tagsOption } from '../stage/shared.js';
import { compositionColumns } from './shared.js';

const OPTIONS = [
  { flags: '--channel <channel-arn>', description: 'broadcast to this IVS channel (ARN; the channel must be offline)' },
  { flags: '--s3 <storage-config>', description: 'record to the bucket of this storage configuration (name, id or ARN); needs --encoder', resource: 'storage-config' },
  { flags: '--encoder <encoder-config>', description: 'encoder configuration (name, id or ARN) for the S3 recording, and for the channel if given', resource: 'encoder-config' },
  { flags: '--layout <layout>', description: 'grid (everyone in tiles, the default) or pip (one featured, one inset)', choices: ['grid', 'pip'] },
  { flags: '--idempotency-token <token>', description: 'retry-safe token: a repeat start with it returns the same composition (default: a fresh UUID)', field: 'idempotencyToken' },
  tagsOption,
] as const satisfies readonly OptionSpec[];

type StartOptions = Typed<typeof OPTIONS>;

type Destination = Record<string, Record<string, unknown>>;

/** A flag naming one of our resources: an ARN is checked as typed; a name or id is resolved later. */
function checkReference(flag: string, value: string, shape: string): void {
  const problem = isArn(value) ? validateShape(shape, value)[0] : undefined;
  if (problem) throw new UsageError(`${flag} ${problem.rule}`);
}

/**
 * The destinations the simple flags describe: a channel (--channel, with --encoder if given) and/or an
 * S3 recording (--s3 with exactly one --encoder). Names and ids in them are resolved like any other.
 */
function destinationsFromFlags(options: StartOptions): Destination[] | undefined {
  const { channel, s3, encoder } = options;
  if (channel === undefined && s3 === undefined) {
    if (encoder !== undefined) throw new UsageError('--encoder needs a destination to encode for: --channel and/or --s3');
    return undefined;
  }
  if (s3 !== undefined && encoder === undefined) {
    throw new UsageError('--s3 needs --encoder: an S3 recording is made with one encoder configuration', 'Make one with `ivsrt encoder-config create` and pass its name, id or ARN.');
  }
  if (encoder !== undefined) checkReference('--encoder', encoder, 'EncoderConfigurationArn');
  const destinations: Destination[] = [];
  if (channel !== undefined) {
    const problem = validateShape('ChannelArn', channel)[0];
    if (problem) throw new UsageError(`--channel ${problem.rule}`, 'Pass the ARN of an IVS low-latency channel (arn:aws:ivs:<region>:<account>:channel/<id>), e.g. from `aws ivs list-channels`.');
    destinations.push({ channel: { channelArn: channel, ...(encoder !== undefined ? { encoderConfigurationArn: encoder } : {}) } });
  }
  if (s3 !== undefined) {
    checkReference('--s3', s3, 'StorageConfigurationArn');
    destinations.push({ s3: { storageConfigurationArn: s3, encoderConfigurationArns: [encoder!] } });
  }
  return destinations;
}

export const verb = defineVerb({
  summary: 'Start compositing a stage to a channel and/or an S3 recording',
  order: 10,
  operation: 'StartComposition',
  description:
    'Starts a server-side composition of a stage: everyone publishing is mixed into one video (grid or picture-in-picture) and sent to an IVS channel (--channel), ' +
    'recorded to S3 (--s3 with --encoder), or both. It starts in STARTING and becomes ACTIVE; it stops by itself a minute after the last participant stops publishing. ' +
    'The local emulator renders it from its publishers\' real media with ffmpeg: the channel output plays from the emulator (composition get shows its playbackUrl; emulator-only), ' +
    'and the S3 recording is written only when the emulator runs with --s3-dir DIR. ' +
    'For layout options, thumbnails or recording settings pass the full request with --input; --channel/--s3/--encoder then replace its destinations and --layout its layout kind.',
  examples: [
    { command: 'ivsrt composition start demo --channel arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl', description: 'broadcast to a channel' },
    { command: 'ivsrt composition start demo --s3 recordings --encoder hd --layout pip', description: 'record to S3, picture-in-picture' },
    { command: 'ivsrt composition start demo --channel arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl --s3 recordings --encoder hd', description: 'both' },
    { command: 'ivsrt composition start demo --input composition.json', description: 'the full StartComposition request (layout options, thumbnails, HLS settings)' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN', field: 'stageArn', resource: 'stage' }],
  options: OPTIONS,
  output: { root: 'composition', columns: compositionColumns },
  shape(request, options) {
    const destinations = destinationsFromFlags(options);
    if (destinations) request.destinations = destinations;
    else if (request.destinations === undefined) {
      throw new UsageError(
        'missing a destination: pass --channel <channel-arn>, --s3 <storage-config> --encoder <encoder-config>, or both',
        'Or pass the full request with --input.',
      );
    }
    if (options.layout !== undefined) {
      const kind = options.layout.toLowerCase();
      if (kind !== 'grid' && kind !== 'pip') throw new UsageError(`--layout must be grid or pip, got "${options.layout}"`);
      request.layout = { [kind]: (request.layout as Record<string, unknown> | undefined)?.[kind] ?? {} };
    }
  },
});
