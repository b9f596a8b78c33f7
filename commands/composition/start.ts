import { defineVerb, type Verb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { sendRequest } from '../../src/cli/operation.js';
import { buildRequest, checkRequest, resolveReferences } from '../../src/cli/request.js';
import { isArn, placeholderArn, resolveReference, type ResourceKind } from '../../src/cli/resources.js';
import { validateShape } from '../../src/model/validate.js';
import { tagsOption } from '../stage/shared.js';
import { compositionColumns } from './shared.js';

interface StartOptions {
  channel?: string;
  s3?: string;
  encoder?: string;
  layout?: string;
  input?: Record<string, unknown>;
  [key: string]: unknown;
}

type Destination = Record<string, Record<string, unknown>>;

/** A reference flag's value as the model will see it: an ARN is checked as typed, a name or id as the ARN it becomes. */
function checkReference(flag: string, value: string, shape: string, kind: ResourceKind): string {
  const probe = isArn(value) ? value : placeholderArn(kind);
  const problem = validateShape(shape, probe)[0];
  if (problem) throw new UsageError(`${flag} ${problem.rule}`);
  return probe;
}

/**
 * The destinations the simple flags describe: a channel (--channel, with --encoder if given) and/or an
 * S3 recording (--s3 with exactly one --encoder). `names` become the ARNs before the request is sent.
 */
function destinationsFromFlags(options: StartOptions): { destinations: Destination[]; probe: Destination[] } | undefined {
  const { channel, s3, encoder } = options;
  if (channel === undefined && s3 === undefined) {
    if (encoder !== undefined) throw new UsageError('--encoder needs a destination to encode for: --channel and/or --s3');
    return undefined;
  }
  if (s3 !== undefined && encoder === undefined) {
    throw new UsageError('--s3 needs --encoder: an S3 recording is made with one encoder configuration', 'Make one with `ivsrt encoder-config create` and pass its name, id or ARN.');
  }
  const destinations: Destination[] = [];
  const probe: Destination[] = [];
  const encoderProbe = encoder === undefined ? undefined : checkReference('--encoder', encoder, 'EncoderConfigurationArn', 'encoder-config');
  if (channel !== undefined) {
    const problem = validateShape('ChannelArn', channel)[0];
    if (problem) throw new UsageError(`--channel ${problem.rule}`, 'Pass the ARN of an IVS low-latency channel (arn:aws:ivs:<region>:<account>:channel/<id>), e.g. from `aws ivs list-channels`.');
    destinations.push({ channel: { channelArn: channel, ...(encoder !== undefined ? { encoderConfigurationArn: encoder } : {}) } });
    probe.push({ channel: { channelArn: channel, ...(encoderProbe ? { encoderConfigurationArn: encoderProbe } : {}) } });
  }
  if (s3 !== undefined) {
    const storageProbe = checkReference('--s3', s3, 'StorageConfigurationArn', 'storage-config');
    destinations.push({ s3: { storageConfigurationArn: s3, encoderConfigurationArns: [encoder!] } });
    probe.push({ s3: { storageConfigurationArn: storageProbe, encoderConfigurationArns: [encoderProbe!] } });
  }
  return { destinations, probe };
}

/** Replaces the names and ids the simple flags put in the destinations with ARNs. */
async function resolveDestinations(ctx: Parameters<Verb['run']>[0], destinations: Destination[]): Promise<void> {
  const resolve = (kind: ResourceKind, ref: unknown) => (typeof ref === 'string' && !isArn(ref) ? resolveReference(ctx, kind, ref) : Promise.resolve(ref as string));
  for (const d of destinations) {
    if (d.channel?.encoderConfigurationArn !== undefined) d.channel.encoderConfigurationArn = await resolve('encoder-config', d.channel.encoderConfigurationArn);
    if (d.s3) {
      d.s3.storageConfigurationArn = await resolve('storage-config', d.s3.storageConfigurationArn);
      d.s3.encoderConfigurationArns = await Promise.all((d.s3.encoderConfigurationArns as string[]).map((ref) => resolve('encoder-config', ref)));
    }
  }
}

export const verb: Verb<StartOptions> = defineVerb<StartOptions>({
  operation: 'StartComposition',
  description:
    'Starts a server-side composition of a stage: everyone publishing is mixed into one video (grid or picture-in-picture) and sent to an IVS channel (--channel), ' +
    'recorded to S3 (--s3 with --encoder), or both. It starts in STARTING and becomes ACTIVE; it stops by itself a minute after the stage empties. ' +
    'For layout options, thumbnails or recording settings pass the full request with --input; --channel/--s3/--encoder then replace its destinations and --layout its layout kind.',
  examples: [
    { command: 'ivsrt composition start demo --channel arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl', description: 'broadcast to a channel' },
    { command: 'ivsrt composition start demo --s3 recordings --encoder hd --layout pip', description: 'record to S3, picture-in-picture' },
    { command: 'ivsrt composition start demo --channel arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl --s3 recordings --encoder hd', description: 'both' },
    { command: 'ivsrt composition start demo --input composition.json', description: 'the full StartComposition request (layout options, thumbnails, HLS settings)' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN', field: 'stageArn', resource: 'stage' }],
  options: [
    { flags: '--channel <channel-arn>', description: 'broadcast to this IVS channel (ARN; the channel must be offline)' },
    { flags: '--s3 <storage-config>', description: 'record to the bucket of this storage configuration (name, id or ARN); needs --encoder', resource: 'storage-config' },
    { flags: '--encoder <encoder-config>', description: 'encoder configuration (name, id or ARN) for the S3 recording, and for the channel if given', resource: 'encoder-config' },
    { flags: '--layout <layout>', description: 'grid (everyone in tiles, the default) or pip (one featured, one inset)', choices: ['grid', 'pip'] },
    { flags: '--idempotency-token <token>', description: 'retry-safe token: a repeat start with it returns the same composition (default: a fresh UUID)', field: 'idempotencyToken' },
    tagsOption,
  ],
  output: { root: 'composition', columns: compositionColumns },
  async run(ctx, options) {
    const request = buildRequest(verb, options);
    const probe = structuredClone(request);
    const fromFlags = destinationsFromFlags(options);
    if (fromFlags) {
      request.destinations = fromFlags.destinations;
      probe.destinations = fromFlags.probe;
    } else if (request.destinations === undefined) {
      throw new UsageError(
        'missing a destination: pass --channel <channel-arn>, --s3 <storage-config> --encoder <encoder-config>, or both',
        'Or pass the full request with --input.',
      );
    }
    if (options.layout !== undefined) {
      const kind = options.layout.toLowerCase();
      if (kind !== 'grid' && kind !== 'pip') throw new UsageError(`--layout must be grid or pip, got "${options.layout}"`);
      const given = (request.layout as Record<string, unknown> | undefined)?.[kind] ?? {};
      request.layout = { [kind]: given };
      probe.layout = { [kind]: given };
    }
    checkRequest(verb, probe);
    await resolveReferences(ctx, verb, request);
    if (fromFlags) await resolveDestinations(ctx, request.destinations as Destination[]);
    return sendRequest(ctx, verb, request);
  },
});
