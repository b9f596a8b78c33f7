import { defineVerb, yesOption } from '../../src/cli/command.js';
import { CancelledError } from '../../src/cli/errors.js';
import { emulatorOf } from './shared.js';

export const verb = defineVerb({
  description:
    'Deletes everything in the local emulator (stages, sessions, participants, compositions, configurations, keys), as if it had just been installed. ' +
    'Tokens it issued before stay verifiable but name stages that no longer exist.',
  examples: [
    { command: 'ivsrt local reset --yes' },
    { command: 'ivsrt local reset --endpoint-url http://127.0.0.1:4566 --yes', description: 'an emulator started with `ivsrt local start`' },
  ],
  options: [yesOption],
  output: { columns: [{ header: 'RESET', field: 'reset', format: 'bool' }, { header: 'URL', field: 'url' }] },
  async run(ctx) {
    const emulator = await emulatorOf(ctx);
    if (!(await ctx.confirm(`Delete all state of the emulator at ${emulator.url}?`))) throw new CancelledError('not confirmed: nothing was changed');
    await emulator.admin.reset();
    return { reset: true, url: emulator.url };
  },
});
