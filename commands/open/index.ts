// `ivsrt open <stage>`: a local stage in the browser. It makes a participant token, prints the URL of the
// page the emulator serves (src/emulator/http/open/) with the token in the fragment, and opens the browser.
import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { resolveReference } from '../../src/cli/resources.js';
import { openPageUrl } from '../../src/open/url.js';
import { decodeJwt } from '../../src/tokens/jwt.js';

const AWS_HINT =
  'On AWS, `ivsrt publish` and `ivsrt subscribe` work (media over WHIP); the page itself is served only by the local emulator. ' +
  'Drop --region/--profile (or pass --endpoint-url of an ivsrt emulator).';

export const verb = defineVerb({
  summary: 'Open a local stage in the browser: publish your camera, see every participant live',
  order: 40,
  description:
    'Opens a stage of the local emulator in your browser: the page publishes your camera and microphone, plays everyone who publishes, ' +
    'keeps a roster of the participants (simulated ones included), shows the stage\'s events as they happen, and plays a running composition\'s channel output. It makes a participant token (publish and subscribe unless --capabilities) ' +
    'and prints the page\'s URL with the token in its fragment (#token=...), which no server log sees; keep the URL to yourself, it is the credential. ' +
    'It opens the system browser unless --no-browser is given or no display is found, through a file readable by you only that is removed once the browser has loaded the page. The local emulator only: the background one, or --endpoint-url.',
  examples: [
    { command: 'ivsrt open demo', description: 'open stage demo in the browser, as a new participant' },
    { command: 'ivsrt open demo --user-id alice --attributes role=host --no-browser', description: 'just print the URL' },
    { command: 'ivsrt open demo --capabilities subscribe', description: 'watch only' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN', resource: 'stage' }],
  options: [
    { flags: '--user-id <id>', description: 'your user id on the stage, visible to everyone (up to 128 characters)' },
    { flags: '--capabilities <list>', description: 'publish, subscribe or both (default both)', parse: 'upperList', choices: ['publish', 'subscribe'] },
    { flags: '--attributes <key=value,...>', description: 'attributes visible to everyone on the stage (1 KB in all)', parse: 'keyValues' },
    { flags: '--duration <minutes>', description: "the token's lifetime in minutes (1-20160, default 720)", parse: 'int' },
    { flags: '--no-browser', description: 'print the URL only; do not open a browser' },
  ],
  async run(ctx, options) {
    if (ctx.globals.region !== undefined || ctx.globals.profile !== undefined) throw new UsageError('ivsrt open needs the local emulator; AWS serves no such page', AWS_HINT);
    const target = await ctx.target();
    if (target.kind === 'aws' || (target.endpoint !== undefined && /\.amazonaws\.com(\.cn)?$/i.test(new URL(target.endpoint).hostname))) {
      throw new UsageError(`ivsrt open needs the local emulator; ${target.endpoint ?? 'AWS'} is AWS, which serves no such page`, AWS_HINT);
    }
    const stageArn = await resolveReference(ctx, 'stage', options.stage!);
    const { stage } = await ctx.call('GetStage', { arn: stageArn });
    const made = await ctx.call('CreateParticipantToken', {
      stageArn,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      ...(options.capabilities !== undefined ? { capabilities: options.capabilities } : {}),
      ...(options.attributes !== undefined ? { attributes: options.attributes } : {}),
      ...(options.duration !== undefined ? { duration: options.duration } : {}),
    });
    const token = made.participantToken!;
    const whipUrl = (decodeJwt(token.token!).payload as { whip_url?: unknown }).whip_url;
    if (typeof whipUrl !== 'string') throw new UsageError(`${target.endpoint ?? 'the endpoint'} made a token without a whip_url; is it an ivsrt emulator?`, AWS_HINT);
    const origin = new URL(whipUrl).origin;
    const url = openPageUrl(origin, token.token!);
    const { openInBrowser } = await import('../../src/open/browser.js');
    const browser = options.browser ? await openInBrowser(url, origin, ctx.env) : ({ opened: false, reason: '--no-browser' } as const);
    const summary = {
      url,
      stageArn,
      stageName: stage?.name,
      participantId: token.participantId,
      ...(token.userId ? { userId: token.userId } : {}),
      capabilities: token.capabilities,
      expirationTime: token.expirationTime,
      browser: browser.opened ? 'opened' : `not opened: ${browser.reason}`,
    };
    if (ctx.globals.json === true) {
      ctx.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return undefined;
    }
    ctx.io.stdout.write(`${url}\n`);
    if (browser.opened) ctx.info('Opened it in your browser. The URL holds your token: keep it to yourself.');
    else if (browser.reason !== '--no-browser') ctx.info(`Did not open a browser: ${browser.reason}. Open the URL above in one. It holds your token: keep it to yourself.`);
    return undefined;
  },
});
