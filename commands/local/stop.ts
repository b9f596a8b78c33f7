import { defineVerb } from '../../src/cli/command.js';
import { stopLocal } from '../../src/local/background.js';

export const verb = defineVerb({
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
    const result = await stopLocal({ env: ctx.env, admin: (url) => ctx.adminAt(url) });
    ctx.info(result.stopped ? `Stopped the local emulator (pid ${result.pid}).` : 'No local emulator was running.');
    return result;
  },
});
