import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { NotBackgroundError, stopLocal } from '../../src/local/background.js';
import { namesEmulator } from './shared.js';

export const verb = defineVerb({
  summary: 'Stop the background local emulator',
  order: 20,
  description:
    'Stops the background local emulator (the one ivsrt starts for --local and the demo). Its state stays in <IVSRT_HOME>/data for the next start. ' +
    'An emulator running in the foreground (`ivsrt local start`) stops with Ctrl-C instead.',
  examples: [{ command: 'ivsrt local stop' }],
  output: {
    columns: [
      { header: 'STOPPED', field: 'stopped', format: 'bool' },
      { header: 'PID', field: 'pid' },
    ],
  },
  async run(ctx) {
    const named = namesEmulator(ctx) ? (await ctx.target()).endpoint! : undefined;
    let result;
    try {
      result = await stopLocal({ env: ctx.env, admin: (url) => ctx.adminAt(url), named });
    } catch (error) {
      if (!(error instanceof NotBackgroundError)) throw error;
      throw new UsageError(
        `${error.url} is not the background emulator: \`ivsrt local stop\` stops only the one ivsrt starts for --local`,
        "Stop a foreground `ivsrt local start` with Ctrl-C, and a test fixture's emulator with its stop().",
      );
    }
    ctx.info(result.stopped ? `Stopped the local emulator (pid ${result.pid}).` : 'No local emulator was running.');
    return result;
  },
});
