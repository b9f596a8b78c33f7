import { defineVerb } from '../../src/cli/command.js';
import { emulatorOf, PARTICIPANT_ARGS, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONS, participantRef } from './shared.js';

export const verb = defineVerb({
  summary: 'Make a simulated participant leave its stage',
  order: 70,
  description:
    'A simulated participant leaves its stage: it stops publishing and subscribing, shows as DISCONNECTED, and the session ends if it was the last one. ' +
    'Its token can join again (unlike after `ivsrt participant disconnect`, which revokes it).',
  examples: [
    { command: 'ivsrt local leave --token - <<< "$TOKEN"', description: 'the token from standard input, out of ps' },
    { command: 'ivsrt local leave demo AbCdEfGh1234' },
  ],
  args: PARTICIPANT_ARGS,
  options: PARTICIPANT_OPTIONS,
  output: { root: 'participant', columns: PARTICIPANT_COLUMNS },
  async run(ctx, options) {
    const emulator = await emulatorOf(ctx);
    return emulator.admin.leave(await participantRef(emulator, options));
  },
});
