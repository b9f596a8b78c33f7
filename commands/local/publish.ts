import { defineVerb } from '../../src/cli/command.js';
import { emulatorOf, PARTICIPANT_ARGS, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONS, participantRef } from './shared.js';

export const verb = defineVerb({
  summary: 'Make a simulated participant start publishing',
  order: 80,
  description:
    'A simulated participant starts publishing (PUBLISH_STARTED). The token must allow publishing and the stage must have room (12 publishers); ' +
    'otherwise the emulator records a PUBLISH_ERROR event and the verb fails.',
  examples: [
    { command: 'ivsrt local publish --token - <<< "$TOKEN"', description: 'the token from standard input, out of ps' },
    { command: 'ivsrt local publish demo AbCdEfGh1234' },
  ],
  args: PARTICIPANT_ARGS,
  options: PARTICIPANT_OPTIONS,
  output: { root: 'participant', columns: PARTICIPANT_COLUMNS },
  async run(ctx, options) {
    const emulator = await emulatorOf(ctx);
    return emulator.admin.publish(await participantRef(emulator, options));
  },
});
