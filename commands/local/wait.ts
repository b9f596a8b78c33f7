// `ivsrt local wait --event PATTERN`: blocks until the emulator has emitted (or, with --delivered-to,
// delivered to that target) an event matching an EventBridge pattern, prints it and exits 0; exits 255
// when none comes in time. A test in any language waits on what happened instead of sleeping.
import { defineVerb } from '../../src/cli/command.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { compilePattern, PatternError } from '../../src/emulator/eventbridge/pattern.js';
import { tailEmulator } from '../../src/events/emulator-tail.js';
import { emulatorOf } from './shared.js';


/** The event log goes back to the emulator's start or its last reset: all of it is searched first. */
const SINCE_THE_START = new Date(0).toISOString();

export const verb = defineVerb({
  summary: 'Wait for an event matching a pattern (or its delivery to a target), and print it',
  order: 120,
  description:
    'Waits for the first event matching an EventBridge pattern that the local emulator has emitted since it started or was last reset, or emits from now on; ' +
    'with --delivered-to, the first one that target (one of its --event-target URLs or commands) has acknowledged. ' +
    'Prints the envelope as JSON and exits 0, or exits 255 if none comes within --timeout seconds (real time).',
  examples: [
    { command: `ivsrt local wait --event '{"detail":{"event_name":["Participant Published"]}}'`, description: 'the first publish' },
    {
      command: `ivsrt local wait --event '{"detail-type":["IVS Composition State Change"],"detail":{"event_name":["Session Start"]}}' --delivered-to http://127.0.0.1:8080/ivs-events --timeout 30`,
      description: 'once your webhook has answered it',
    },
  ],
  options: [
    { flags: '--event <pattern>', description: 'an EventBridge event pattern (JSON), e.g. \'{"detail":{"event_name":["Participant Published"]}}\'' },
    { flags: '--delivered-to <target>', description: 'wait until this event target (its URL or exec: command) has acknowledged the event' },
    { flags: '--timeout <seconds>', description: 'give up after this many seconds', parse: 'float', defaultValue: 10 },
  ],
  async run(ctx, options) {
    if (options.event === undefined) throw new UsageError(`--event is required: an EventBridge pattern such as '{"detail":{"event_name":["Participant Published"]}}'`);
    let pattern: unknown;
    try {
      pattern = JSON.parse(options.event);
      compilePattern(pattern);
    } catch (error) {
      if (error instanceof PatternError) throw new UsageError(`--event ${error.path ? `${error.path}: ` : ''}${error.rule}`);
      throw new UsageError(`--event must be an EventBridge pattern in JSON: ${(error as Error).message}`);
    }
    if (!(options.timeout > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, got ${options.timeout}`);
    const { admin } = await emulatorOf(ctx);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeout * 1000);
    let found: Record<string, unknown> | undefined;
    try {
      await tailEmulator(
        admin,
        { since: SINCE_THE_START, pattern, deliveredTo: options.deliveredTo },
        (event) => {
          found ??= event;
          controller.abort();
        },
        controller.signal,
      );
    } finally {
      clearTimeout(timer);
    }
    if (!found) {
      const what = options.deliveredTo === undefined ? 'was emitted' : `was delivered to ${options.deliveredTo}`;
      throw new CliError(`no event matching ${options.event} ${what} within ${options.timeout} s`, EXIT.other);
    }
    ctx.io.stdout.write(`${JSON.stringify(found)}\n`);
    return undefined;
  },
});
