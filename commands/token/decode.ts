import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { JwtFormatError } from '../../src/tokens/jwt.js';
import { describeTimeLeft, inspectToken } from '../../src/tokens/decode.js';

export const verb = defineVerb({
  summary: 'Show the header, claims and expiry of any participant token',
  order: 20,
  description:
    'Shows what a participant token says: its header, its claims (participant id, stage, capabilities, user id, attributes) and when it expires. ' +
    'It does not check the signature and makes no API call. Works for self-signed tokens, API-issued tokens and the emulator\'s; ' +
    'an emulator\'s token (its whip_url on this machine) is judged against that emulator\'s clock (`ivsrt local clock`), asked of the emulator if it runs. ' +
    'Warnings (expired, rules a self-signed token breaks) go to stderr.',
  examples: [
    { command: 'ivsrt token decode - <<< "$TOKEN"', description: 'the token from standard input, out of ps and shell history' },
    { command: 'pbpaste | ivsrt token decode -', description: 'what you copied' },
    { command: 'ivsrt token decode - --query claims.jti <<< "$TOKEN"', description: 'just the participant id' },
    { command: 'ivsrt token decode eyJhbGciOi...', description: 'the token as an argument (visible in ps while it runs)' },
  ],
  args: [{ name: 'token', description: 'the token (- reads it from standard input, out of ps and shell history)' }],
  async run(ctx, options) {
    const text = tokenIn(await secretFromFlag(ctx.io, options.token, 'a participant token'));
    let report;
    try {
      report = inspectToken(text, ctx.now());
    } catch (error) {
      if (error instanceof JwtFormatError) throw new UsageError(error.message);
      throw error;
    }
    const emulatorNow = await emulatorClock(ctx, report.claims.whip_url);
    if (emulatorNow) report = { ...inspectToken(text, emulatorNow), judgedAt: emulatorNow.toISOString(), clock: 'emulator' as const };
    if (report.secondsLeft !== undefined) {
      if (report.expired) ctx.info(`warning: this token ${describeTimeLeft(report.secondsLeft)} (${report.expiresAt})`);
      else if (ctx.io.stderrIsTTY) ctx.info(describeTimeLeft(report.secondsLeft));
    }
    for (const problem of report.problems) ctx.info(`warning: ${problem}`);
    return report;
  },
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The clock of the emulator that issued a token, when it is one of an emulator on this machine (its
 * whip_url names a loopback address, where the service's name IVS's own hosts) and that emulator answers;
 * otherwise undefined, and the token is judged against this machine's clock.
 */
async function emulatorClock(ctx: Context, whipUrl: unknown): Promise<Date | undefined> {
  if (typeof whipUrl !== 'string') return undefined;
  let origin: string;
  try {
    const url = new URL(whipUrl);
    if (!LOOPBACK_HOSTS.has(url.hostname)) return undefined;
    origin = url.origin;
  } catch {
    return undefined;
  }
  try {
    const { clock } = await (await ctx.adminAt(origin)).status();
    return new Date(clock.now);
  } catch {
    ctx.info(`note: the emulator at ${origin} that issued this token does not answer; expiry is judged by this machine's clock`);
    return undefined;
  }
}

/**
 * The token in what was given. `token sign` or `token create` piped without --query print the token
 * among other fields (tab-separated), so a lone JWT anywhere in the text is taken; anything else is
 * passed on as it is, to be reported as not a JWT.
 */
function tokenIn(text: string): string {
  const found = text.match(/[\w-]+\.[\w-]+\.[\w-]+/g)?.filter((word) => word.startsWith('eyJ')) ?? [];
  return found.length === 1 ? found[0]! : text;
}
