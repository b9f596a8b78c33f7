import { defineVerb } from '../../src/cli/command.js';
import { emulatorOf, PARTICIPANT_ARGS, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONS, participantRef } from './shared.js';

export const verb = defineVerb({
  summary: 'Make a simulated participant stop publishing',
  order: 90,
  description: 'A simulated participant stops publishing (PUBLISH_STOPPED); its subscribers stop receiving it. It stays on the stage.',
  examples: [
    { command: 'ivsrt local unpublish --token - <<< "$TOKEN"', description: 'the token from standard input, out of ps' },
    { command: 'ivsrt local unpublish demo AbCdEfGh1234' },
  ],
  args: PARTICIPANT_ARGS,
  options: PARTICIPANT_OPTIONS,
  output: { root: 'participant', columns: PARTICIPANT_COLUMNS },
  async run(ctx, options) {
    const emulator = await emulatorOf(ctx);
    return emulator.admin.unpublish(await participantRef(emulator, options));
  },
});
