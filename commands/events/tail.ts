import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { paint } from '../../src/cli/output/paint.js';
import { resolveReference } from '../../src/cli/resources.js';
import { takeOverInterrupt } from '../../src/cli/signals.js';
import { timeOrDuration } from '../../src/emulator/eventbridge/faults.js';
import { eventLine } from '../../src/events/format.js';


export const verb = defineVerb({
  summary: 'Print IVS events live, from the emulator or from AWS (a temporary rule and queue)',
  order: 10,
  description: [
    "Prints IVS real-time events (EventBridge's IVS Stage Update, IVS Composition State Change, IVS Participant Recording State Change) as they happen, for every stage or one. " +
      'On a terminal, one line per event; piped or with --json, one EventBridge envelope per line (NDJSON).',
    'Against the local emulator it reads its live event stream, with history from --since. ' +
      'Against AWS it creates a temporary SQS queue and an EventBridge rule on the default bus (source aws.ivs, narrowed to the stage when one is given) with a queue policy that lets the rule deliver, ' +
      'long-polls the queue, and deletes the rule and the queue when it ends (Ctrl-C, SIGTERM, --until, or an error). Both are tagged ivsrt:events-tail; a later run offers to remove what a killed run left. ' +
      '--dry-run shows what would be created.',
    'Exit status: 0 when ended by Ctrl-C, SIGTERM or --until; 255 if the emulator stops or AWS fails.',
  ].join('\n\n'),
  examples: [
    { command: 'ivsrt events tail', description: 'every event of the local emulator' },
    { command: 'ivsrt events tail demo --since 10m --json', description: "the last ten minutes of stage demo, then live, as NDJSON" },
    { command: 'ivsrt events tail --region us-west-2 --until 5m', description: 'five minutes of events from a real account' },
    { command: 'ivsrt events tail demo --region us-west-2 --dry-run', description: 'what would be created on AWS' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN; omit it for every stage', optional: true, resource: 'stage' }],
  options: [
    { flags: '--since <time>', description: 'emulator only: start with the events since this time (ISO-8601) or this long ago (10m, 2h)' },
    { flags: '--until <time>', description: 'end at this time (ISO-8601) or after this long (30s, 5m)' },
    { flags: '--dry-run', description: 'print what the tail would create on AWS, and create nothing' },
    { flags: '--yes', description: 'remove what killed tails left on AWS without asking' },
  ],
  ownRetries: true,
  async run(ctx, options) {
    const untilMs = options.until === undefined ? undefined : untilOf(options.until, ctx.now().getTime());
    // The emulator reads --since on its own clock; its form is checked here, so a typo is bad input (252), not a
    // refusal from the emulator (it was a ValidationException, 254).
    if (options.since !== undefined && timeOrDuration(options.since, ctx.now().getTime(), -1) === undefined) {
      throw new UsageError(`--since must be a time (2026-11-29T12:00:00Z) or a duration (10m, 2h), got "${options.since}"`);
    }
    const target = await ctx.target();
    const admin = target.endpoint ? await ctx.admin() : undefined;
    const emulator = target.kind === 'local' || (admin !== undefined && (await admin.status().then(() => true, () => false)));
    if (!emulator && options.since !== undefined) {
      throw new UsageError('--since works against the local emulator only', 'EventBridge keeps no history that a tail could read: events reach the tail from the moment its rule exists.');
    }
    const stageArn = options.stage === undefined ? undefined : await resolveReference(ctx, 'stage', options.stage);

    const painter = paint(ctx.io.color);
    const lines = !ctx.globals.json && ctx.io.stdoutIsTTY;
    const controller = new AbortController();
    const print = (event: Record<string, unknown>) => {
      ctx.io.stdout.write(lines ? `${eventLine(event, painter)}\n` : `${JSON.stringify(event)}\n`);
    };
    ctx.io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') controller.abort();
    });

    if (emulator) {
      if (options.dryRun) {
        ctx.info(`would stream the events of the emulator at ${target.endpoint}${stageArn ? ` for ${stageArn}` : ''}; nothing to create`);
        return undefined;
      }
      return until(ctx, controller, untilMs, async () => {
        const { tailEmulator } = await import('../../src/events/emulator-tail.js');
        const opened = () => {
          if (ctx.io.stderrIsTTY) ctx.info(`streaming the events of ${target.endpoint}${stageArn ? ` for ${stageArn}` : ''} (Ctrl-C ends)`);
        };
        const how = await tailEmulator(admin!, { stageArn, since: options.since, follow: true }, print, controller.signal, opened);
        if (how === 'ended') throw new CliError('the emulator stopped; the tail ends', EXIT.other);
      });
    }

    const { planTail, queuePolicy, tailAws, TAIL_TAG } = await import('../../src/events/aws-tail.js');
    const plan = planTail(stageArn);
    if (options.dryRun) {
      const region = target.region;
      return {
        rule: { name: plan.ruleName, eventBusName: 'default', eventPattern: plan.pattern, tags: { [TAIL_TAG]: plan.owner } },
        queue: {
          name: plan.queueName,
          tags: { [TAIL_TAG]: plan.owner },
          policy: queuePolicy(`arn:aws:sqs:${region}:<account>:${plan.queueName}`, `arn:aws:events:${region}:<account>:rule/${plan.ruleName}`),
        },
        removedOnExit: true,
      };
    }
    const client = await ctx.client();
    return until(ctx, controller, untilMs, () =>
      tailAws(plan, {
        region: target.region,
        endpoint: target.endpoint,
        credentials: client.config.credentials,
        onEvent: print,
        info: (line) => ctx.info(line),
        confirm: ctx.io.stdinIsTTY || options.yes ? (question) => ctx.confirm(question) : undefined,
        signal: controller.signal,
      }),
    );
  },
});

function untilOf(text: string, nowMs: number): number {
  const ms = timeOrDuration(text, nowMs, 1);
  if (ms === undefined) throw new UsageError(`--until must be a time (2026-11-29T12:00:00Z) or a duration (30s, 5m), got "${text}"`);
  return ms;
}

/** Runs the tail until it ends by itself, Ctrl-C/SIGTERM, or the --until time; all of those but an error exit 0. */
async function until(ctx: Context, controller: AbortController, untilMs: number | undefined, tail: () => Promise<void>): Promise<undefined> {
  takeOverInterrupt();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const timer = untilMs === undefined ? undefined : setTimeout(stop, Math.max(0, untilMs - ctx.now().getTime()));
  try {
    await tail();
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return undefined;
}
