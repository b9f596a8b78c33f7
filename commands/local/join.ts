import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { resolveReference } from '../../src/cli/resources.js';
import type { JoinRequest } from '../../src/emulator/http/admin-contract.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { emulatorOf, PARTICIPANT_COLUMNS, STAGE_ALIAS, STAGE_ARG } from './shared.js';


type ClientInfo = NonNullable<JoinRequest['clientInfo']>;
const CLIENT_INFO_FIELDS: readonly (keyof ClientInfo)[] = ['ispName', 'osName', 'osVersion', 'browserName', 'browserVersion', 'sdkVersion'];

function clientInfoOf(given: Record<string, string> | undefined): ClientInfo | undefined {
  if (given === undefined) return undefined;
  for (const key of Object.keys(given)) {
    if (!(CLIENT_INFO_FIELDS as readonly string[]).includes(key)) throw new UsageError(`--client-info: unknown field "${key}" (known: ${CLIENT_INFO_FIELDS.join(', ')})`);
  }
  return given as ClientInfo;
}

export const verb = defineVerb({
  summary: 'Join a simulated participant to a stage, with a token or directly',
  order: 60,
  description:
    'Joins a simulated participant to a stage of the local emulator, as a real client would with a participant token: the token\'s signature, expiry and ' +
    'revocation are checked (emulator-issued tokens, and self-signed ones whose public key is imported). The first participant starts a session. ' +
    'Without a token, it joins the STAGE given directly. Prints the participant.',
  examples: [
    { command: 'ivsrt local join --token - --publish <<< "$TOKEN"', description: 'join and start publishing (the token from standard input, out of ps)' },
    { command: 'ivsrt local join --token - < token.txt', description: 'the token from standard input, out of shell history' },
    { command: 'ivsrt local join demo --user-id alice --capabilities subscribe', description: 'no token: straight onto the stage' },
    { command: 'ivsrt local join demo --client-info osName=Linux,browserName=Firefox,browserVersion=128', description: 'what GetParticipant reports about the client' },
  ],
  args: [{ ...STAGE_ARG, description: 'join this stage (ARN, id or name) without a token' }],
  options: [
    { flags: '--token <token>', description: 'a participant token, instead of STAGE (- reads it from standard input, out of ps and shell history)' },
    STAGE_ALIAS,
    { flags: '--user-id <id>', description: 'with STAGE: the participant\'s user id' },
    { flags: '--attributes <k=v,...>', description: 'with STAGE: attributes', parse: 'keyValues' },
    { flags: '--capabilities <list>', description: 'with STAGE: publish, subscribe or both (default both)', parse: 'upperList', choices: ['publish', 'subscribe'] },
    { flags: '--publish', description: 'start publishing right after joining' },
    { flags: '--protocol <protocol>', description: 'how the participant connects (default WHIP)', parse: 'upper', choices: ['whip', 'rtmp', 'rtmps', 'unknown'] },
    { flags: '--client-info <k=v,...>', description: `what the client reports (${CLIENT_INFO_FIELDS.join(', ')}); unreported ones read ""`, parse: 'keyValues' },
  ],
  output: { root: 'participant', columns: PARTICIPANT_COLUMNS },
  async run(ctx, options) {
    if ((options.token === undefined) === (options.stage === undefined)) throw new UsageError('name the stage to join (`ivsrt local join studio`), or pass --token, not both');
    if (options.token !== undefined && (options.userId ?? options.attributes ?? options.capabilities) !== undefined) {
      throw new UsageError('--user-id, --attributes and --capabilities come from the token; use them with a STAGE instead of --token');
    }
    const clientInfo = clientInfoOf(options.clientInfo);
    const emulator = await emulatorOf(ctx);
    const common = { publish: options.publish, protocol: options.protocol, clientInfo };
    const joined = options.token !== undefined
      ? await emulator.admin.join({ token: await secretFromFlag(ctx.io, options.token), ...common })
      : await emulator.admin.join({
          stageArn: await resolveReference(emulator.ctx, 'stage', options.stage!),
          userId: options.userId,
          attributes: options.attributes,
          capabilities: options.capabilities,
          ...common,
        });
    ctx.info(`Joined session ${joined.sessionId} of ${joined.stageArn}.`);
    return joined;
  },
});
