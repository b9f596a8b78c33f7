import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { readLocalState, stopLocal } from '../../src/local/background.js';
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
    // An emulator named by --endpoint-url or the environment (a foreground one, a test fixture's) is not
    // this verb's to stop; saying "none was running" about it would be wrong, so say what it is instead.
    if (namesEmulator(ctx)) {
      const url = (await ctx.target()).endpoint!;
      const background = readLocalState(ctx.env);
      if (background === undefined || new URL(background.url).origin !== new URL(url).origin) {
        throw new UsageError(
          `${url} is not the background emulator: \`ivsrt local stop\` stops only the one ivsrt starts for --local`,
          "Stop a foreground `ivsrt local start` with Ctrl-C, and a test fixture's emulator with its stop().",
        );
      }
    }
    const result = await stopLocal({ env: ctx.env, admin: (url) => ctx.adminAt(url) });
    ctx.info(result.stopped ? `Stopped the local emulator (pid ${result.pid}).` : 'No local emulator was running.');
    return result;
  },
});
