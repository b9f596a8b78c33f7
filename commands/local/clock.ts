import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { emulatorOf } from './shared.js';

export const verb = defineVerb({
  summary: "Show or advance the local emulator's clock",
  order: 110,
  description:
    "Shows the local emulator's clock, or moves it forward with --advance. Composition start-up, the one-minute idle stop, the five-minute purge, " +
    'replication reconnect windows and token expiry all follow this clock, so advancing it plays them out at once.',
  examples: [
    { command: 'ivsrt local clock' },
    { command: 'ivsrt local clock --advance 60', description: 'a minute later: idle compositions stop' },
  ],
  options: [{ flags: '--advance <seconds>', description: 'move the clock forward by this many seconds', parse: 'float' }],
  output: { columns: [{ header: 'NOW', field: 'now' }, { header: 'ADVANCED (S)', field: 'advancedSeconds' }] },
  async run(ctx, options) {
    if (options.advance !== undefined && !(options.advance >= 0)) throw new UsageError(`--advance must be a number of seconds >= 0, got ${options.advance}`);
    const { admin } = await emulatorOf(ctx);
    if (options.advance !== undefined) return admin.advanceClock(options.advance);
    const { clock } = await admin.status();
    return { now: clock.now, advancedSeconds: clock.advancedSeconds, speed: clock.speed };
  },
});
