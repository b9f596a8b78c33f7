// `ivsrt watch [stage]`: a live view of a stage (or of every stage). On a terminal it is the Ink app,
// loaded from its own bundle only then; piped or with --json it is an NDJSON change stream, which never
// loads Ink or React.
import { Script, constants as vmConstants } from 'node:vm';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import type { Target } from '../../src/cli/config.js';
import { EXIT, ExitStatus, UsageError } from '../../src/cli/errors.js';
import { resolveReference } from '../../src/cli/resources.js';
import { takeOverInterrupt } from '../../src/cli/signals.js';
import { emulatorMedia } from '../../src/watch/emulator-media.js';
import { DEFAULT_INTERVAL_MS } from '../../src/watch/poller.js';
import { runWatchStream } from '../../src/watch/run-stream.js';
import { UNTIL_FORMS, UntilSyntaxError, parseUntil, type UntilCondition } from '../../src/watch/until.js';


type UiModule = typeof import('../../src/watch/ui/main.js');

/** Polls faster than this only burn the account's request quota (5 per second per operation). */
const MIN_INTERVAL_S = 0.5;

export const verb = defineVerb({
  summary: 'Watch a stage (or every stage) live: participants, compositions, sessions, events',
  order: 10,
  description: [
    'Watches a stage live (participants, compositions, sessions, events), polling within the service rate limits. Without a stage, lists every stage with its active session and participant count.',
    'On a terminal this is a full-screen view (press ? for keys). Its header names the stage and where requests go (local emulator, an endpoint, or the AWS region and account); ' +
      'below it, the session, when the last poll answered and the request rate, then the status line: ok (polling works), connecting…, PAUSED (p), or the last error with a retry countdown ' +
      '("throttled" when the service\'s rate limit answered). Rows turn green when added, yellow when changed and red when the participant left; those who left drop out after a few polls (a shows them all). Piped or with --json it prints one change per line, {"type", "kind", "object", "timestamp"}, starting with what exists as ADDED.',
    'Against the local emulator, participants publishing real media over WHIP (ivsrt publish, OBS, GStreamer) also show what the emulator measures: codecs, resolution, frame rate and bitrate, in a MEDIA column (from 100 columns wide), in the detail view (Enter) and as the participant\'s "media" object in --json. A bitrate or frame rate that moves by less than 5% keeps the figure shown, so a steady stream is not a change at every poll.',
    'Exit status: 0 when --until is met, on q, or when a stream is ended by Ctrl-C, SIGTERM or its reader; 130 on Ctrl-C in the full-screen view or before --until is met (143 for SIGTERM).',
    `Conditions for --until (repeatable; any one ends the watch):\n${UNTIL_FORMS.map(([form, what]) => `  ${form.padEnd(25)} ${what}`).join('\n')}`,
  ].join('\n\n'),
  examples: [
    { command: 'ivsrt watch demo', description: 'full-screen view of the stage named demo' },
    { command: 'ivsrt watch', description: 'every stage, Enter opens one' },
    { command: 'ivsrt watch demo --json | jq -c "select(.kind==\\"participant\\")"', description: 'participant changes as NDJSON' },
    { command: 'ivsrt watch demo --json --until participant-count=0 > session.ndjson', description: 'record until everyone has left' },
    { command: 'ivsrt watch demo --until composition=ACTIVE --json >/dev/null', description: 'wait for a composition to go live' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN; omit it to watch every stage', optional: true, resource: 'stage' }],
  options: [
    { flags: '--interval <seconds>', description: `seconds between polls (default ${DEFAULT_INTERVAL_MS / 1000})`, parse: 'float' },
    { flags: '--until <condition>', description: 'end the watch when the condition holds (repeatable; see above)', parse: 'list' },
    { flags: '--participant <id>', description: "include this participant's events (ListParticipantEvents) from the start" },
    { flags: '--readonly', description: 'disable disconnecting participants and stopping compositions' },
  ],
  // The poller owns retries and backs off itself; SDK retries would bypass its rate limiter.
  ownRetries: true,
  run: async (ctx, flags) => {
    const until = parseConditions(flags.until ?? []);
    const intervalMs = intervalOf(flags.interval);
    const stageArn = flags.stage ? await resolveReference(ctx, 'stage', flags.stage) : undefined;
    if (until.length && !stageArn) throw new UsageError('--until needs a stage', 'Name the stage to watch: ivsrt watch <stage> --until ...');
    const client = await ctx.client();
    const media = await emulatorMedia(await ctx.target(), () => ctx.admin());
    const options = { client, stageArn, intervalMs, until, participantId: flags.participant, media };
    const interactive = !ctx.globals.json && ctx.io.stdoutIsTTY && ctx.io.stdinIsTTY;
    // Both renderers end on SIGINT themselves, after flushing the stream or restoring the terminal.
    takeOverInterrupt();
    const code = interactive
      ? await (await loadUi()).runWatchUi({
          ...options,
          readonly: Boolean(flags.readonly),
          colorLevel: ctx.io.color ? 1 : 0,
          where: whereLabel(await ctx.target(), stageArn),
          eventFeed: await (await import('../../src/watch/event-feed.js')).emulatorEventFeed(await ctx.target(), stageArn, () => ctx.admin()),
        })
      : await runWatchStream({ ...options, out: ctx.io.stdout, err: ctx.io.stderr });
    return endWith(ctx, code);
  },
});

/** The header's answer to "local or AWS?": the emulator, an endpoint, or the region and account. */
function whereLabel(target: Target, stageArn: string | undefined): string {
  if (target.kind === 'local') return 'local emulator';
  if (target.kind === 'endpoint') return `endpoint ${target.endpoint}`;
  const account = stageArn?.split(':')[4];
  return `AWS ${target.region}${account ? `, account ${account}` : ''}`;
}

function parseConditions(texts: string[]): UntilCondition[] {
  try {
    return texts.map(parseUntil);
  } catch (error) {
    if (error instanceof UntilSyntaxError) throw new UsageError(error.message, 'See `ivsrt watch --help` for the conditions.');
    throw error;
  }
}

function intervalOf(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_INTERVAL_MS;
  if (!(seconds >= MIN_INTERVAL_S)) throw new UsageError(`--interval must be at least ${MIN_INTERVAL_S} seconds, got ${seconds}`);
  return Math.round(seconds * 1000);
}

/** Ctrl-C and SIGTERM end the watch with their codes (130, 143) and no error text: the user asked for it. */
function endWith(ctx: Context, code: number): undefined {
  if (code === EXIT.ok) return undefined;
  ctx.debug(`watch ended with ${code}`);
  throw new ExitStatus(code);
}

/**
 * The Ink app is a separate ES module beside the CommonJS bundle (dist/watch.mjs). The bundle runs in a
 * vm.Script, where import() needs a loader; this Script borrows the main context's.
 */
async function loadUi(): Promise<UiModule> {
  // React's development build, the default without NODE_ENV, keeps debugging records of every render and
  // grows by megabytes a second under a busy stage; React is loaded only from here on, so this decides.
  process.env.NODE_ENV ??= 'production';
  // Ink draws only a final frame when it believes it runs in CI (it reads CI at import). This path is
  // taken only with a terminal on stdin and stdout, where a person is watching, so the live view wins.
  process.env.CI = 'false';
  const url = pathToFileURL(join(__dirname, 'watch.mjs')).href;
  const importer = new Script('(specifier) => import(specifier)', {
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (specifier: string) => Promise<UiModule>;
  return importer(url);
}
