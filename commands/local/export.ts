import { defineVerb } from '../../src/cli/command.js';
import { emulatorOf } from './shared.js';

export const verb = defineVerb({
  summary: "Print the local emulator's configured state as a seed file",
  order: 50,
  description:
    "Prints the local emulator's configured state as a seed: its stages, encoder, storage and ingest configurations and public keys, with their tags, " +
    'each as its Get operation shows it. `ivsrt local start --seed <file>` and `startEmulator({ seed })` (ivsrt/emulator) load it back. ' +
    'Sessions, participants and compositions are not part of a seed. The seed holds ingest stream keys: keep the file private.',
  examples: [
    { command: 'ivsrt local export > seed.json' },
    { command: 'ivsrt local export --endpoint-url http://127.0.0.1:4566 > seed.json', description: 'an emulator started with `ivsrt local start`' },
  ],
  async run(ctx) {
    const { admin } = await emulatorOf(ctx);
    ctx.io.stdout.write(`${JSON.stringify(await admin.exportSeed(), null, 2)}\n`);
    return undefined;
  },
});
