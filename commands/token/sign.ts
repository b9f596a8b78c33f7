import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { checkInputFile } from '../../src/cli/files.js';
import { isArn, resolveReference } from '../../src/cli/resources.js';
import { ClaimError, stageIdFromArn } from '../../src/tokens/claims.js';
import { signParticipantToken, SigningKeyError } from '../../src/tokens/sign.js';
import { isKeyFileExposed, KeyFileError, readPrivateKey } from '../../src/keys/keypair.js';


export const verb = defineVerb({
  summary: 'Sign a participant token with your own key, offline where possible',
  order: 10,
  description:
    'Signs a participant token with your own P-384 private key (a self-signed token), instead of asking IVS with `token create`. ' +
    'A token needs the stage ARN and its endpoints. With the stage as a full ARN plus --events-url and --whip-url, this command makes no API call at all ' +
    '(the endpoints may be cached for up to 14 days); otherwise it calls GetStage once (and ListStages/ListPublicKeys to resolve names). ' +
    'IVS checks the signature and expiry only when the participant joins.',
  examples: [
    { command: 'ivsrt token sign demo --key key.pem --public-key my-key --user-id ana', description: 'resolves the names and endpoints with one lookup each' },
    {
      command:
        'ivsrt token sign arn:aws:ivs:us-west-2:123456789012:stage/WyGkzNFGwiwr --key key.pem --public-key arn:aws:ivs:us-west-2:123456789012:public-key/abcdABC1efg2 --events-url wss://global.events.live-video.net --whip-url https://1a2b3c4d5e6f.global-bm.whip.live-video.net --query participantToken.token',
      description: 'fully offline: just the token',
    },
    { command: 'ivsrt token sign demo --key key.pem --public-key my-key --capabilities subscribe --duration 60', description: 'a viewer token for one hour' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN', resource: 'stage' }],
  options: [
    { flags: '--key <file>', description: 'the P-384 private key (PEM), e.g. from `ivsrt public-key create`' },
    { flags: '--public-key <public-key>', description: 'ARN (or name) of the imported public key; becomes the kid', resource: 'public-key' },
    { flags: '--events-url <url>', description: "the stage's endpoints.events (skips GetStage together with --whip-url)" },
    { flags: '--whip-url <url>', description: "the stage's endpoints.whip" },
    { flags: '--user-id <id>', description: 'user id visible to everyone on the stage (up to 128 characters)' },
    { flags: '--capabilities <list>', description: 'publish, subscribe or both (default both)', parse: 'upperList', choices: ['publish', 'subscribe'] },
    { flags: '--attributes <key=value,...>', description: 'attributes visible to everyone on the stage (1 KB in all)', parse: 'keyValues' },
    { flags: '--duration <minutes>', description: 'lifetime in minutes (1-20160, default 720)', parse: 'int' },
    { flags: '--participant-id <id>', description: 'the jti (up to 64 of A-Z a-z 0-9 _ -); default: a fresh random id' },
  ],
  output: {
    root: 'participantToken',
    columns: [
      { header: 'PARTICIPANT ID', field: 'participantId' },
      { header: 'EXPIRES', field: 'expirationTime' },
      { header: 'TOKEN', field: 'token' },
    ],
  },
  async run(ctx, options) {
    const { key, publicKey, stage } = options;
    const missing = [!key && '--key', !publicKey && '--public-key'].filter(Boolean);
    if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`, 'See `ivsrt token sign --help`.');
    if ((options.eventsUrl === undefined) !== (options.whipUrl === undefined)) {
      throw new UsageError('pass --events-url and --whip-url together, or neither');
    }

    // Read the key first: a bad key should fail before any request is sent.
    const privateKey = await keyFrom(ctx, key!);
    const kid = isArn(publicKey!) ? publicKey! : await resolveReference(ctx, 'public-key', publicKey!);
    const { stageArn, eventsUrl, whipUrl } = await stageEndpoints(ctx, stage, options.eventsUrl, options.whipUrl);

    try {
      const { token, claims } = signParticipantToken(
        {
          stageArn,
          eventsUrl,
          whipUrl,
          userId: options.userId,
          capabilities: options.capabilities,
          attributes: options.attributes,
          durationMinutes: options.duration,
          participantId: options.participantId,
          now: ctx.now(),
        },
        privateKey,
        kid,
      );
      // The shape of the API's ParticipantToken, so scripts can switch between `token create` and `token sign`.
      return {
        participantToken: {
          participantId: claims.jti,
          token,
          ...(claims.user_id !== undefined ? { userId: claims.user_id } : {}),
          ...(claims.attributes ? { attributes: claims.attributes } : {}),
          duration: (claims.exp - claims.iat) / 60,
          capabilities: [...(claims.capabilities.allow_publish ? ['PUBLISH'] : []), ...(claims.capabilities.allow_subscribe ? ['SUBSCRIBE'] : [])],
          expirationTime: new Date(claims.exp * 1000).toISOString(),
        },
      };
    } catch (error) {
      if (error instanceof ClaimError || error instanceof SigningKeyError) throw new UsageError(error.message);
      throw error;
    }
  },
});

async function keyFrom(ctx: Context, path: string) {
  checkInputFile('--key', path);
  try {
    const key = await readPrivateKey(path);
    if (await isKeyFileExposed(path)) ctx.info(`warning: ${path} is readable by other users; run \`chmod 600 ${path}\``);
    return key;
  } catch (error) {
    if (error instanceof KeyFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** The stage ARN from the reference, and its endpoints from the flags or, failing that, from one GetStage. */
async function stageEndpoints(ctx: Context, stage: string, eventsUrl?: string, whipUrl?: string) {
  const stageArn = isArn(stage) ? stage : await resolveReference(ctx, 'stage', stage);
  if (stageIdFromArn(stageArn) === undefined) throw new UsageError(`stage "${stage}" is not a stage ARN`);
  if (eventsUrl !== undefined && whipUrl !== undefined) return { stageArn, eventsUrl, whipUrl };
  const { stage: found } = await ctx.call('GetStage', { arn: stageArn });
  const endpoints = found?.endpoints;
  if (!endpoints?.events || !endpoints.whip) throw new UsageError(`the stage ${stageArn} has no events/whip endpoints to put in the token`);
  return { stageArn, eventsUrl: endpoints.events, whipUrl: endpoints.whip };
}
