import { existsSync } from 'node:fs';
import { defineVerb, yesOption } from '../../src/cli/command.js';
import { CancelledError, ConfigError, UsageError } from '../../src/cli/errors.js';
import { DataDirError } from '../../src/emulator/state/storage/errors.js';
import { emulatorOf } from './shared.js';


export const verb = defineVerb({
  summary: 'Delete all state of the local emulator',
  order: 40,
  description:
    'Deletes everything in the local emulator (stages, sessions, participants, compositions, configurations, keys), as if it had just been installed; ' +
    'an emulator started with --seed goes back to its seed. ' +
    'Tokens it issued before stay verifiable but name stages that no longer exist. ' +
    'With --data-dir it deletes the state stored in that directory instead, while no emulator runs on it (also when the data there is damaged).',
  examples: [
    { command: 'ivsrt local reset --yes' },
    { command: 'ivsrt local reset --endpoint-url http://127.0.0.1:4566 --yes', description: 'an emulator started with `ivsrt local start`' },
    { command: 'ivsrt local reset --data-dir ./ivs-data --yes', description: 'the state an emulator kept in ./ivs-data, while it is stopped' },
  ],
  options: [yesOption, { flags: '--data-dir <dir>', description: 'delete the state stored in this directory (no emulator may be running on it)' }],
  output: { columns: [{ header: 'RESET', field: 'reset', format: 'bool' }, { header: 'URL', field: 'url' }, { header: 'DATA DIR', field: 'dataDir' }] },
  async run(ctx, options) {
    if (options.dataDir !== undefined) {
      const dir = options.dataDir;
      if (!existsSync(dir)) throw new UsageError(`--data-dir ${dir} does not exist`);
      if (!(await ctx.confirm(`Delete the emulator state stored in ${dir}?`))) throw new CancelledError('not confirmed: nothing was changed');
      const { resetDataDir } = await import('../../src/emulator/state/storage/data-dir.js');
      try {
        return { reset: true, dataDir: dir, removed: resetDataDir(dir) };
      } catch (error) {
        throw error instanceof DataDirError ? new ConfigError(error.message, error.hint) : error;
      }
    }
    const emulator = await emulatorOf(ctx);
    if (!(await ctx.confirm(`Delete all state of the emulator at ${emulator.url}?`))) throw new CancelledError('not confirmed: nothing was changed');
    await emulator.admin.reset();
    return { reset: true, url: emulator.url };
  },
});
