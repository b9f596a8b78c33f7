import { defineVerb } from '../../src/cli/command.js';
import { sessionColumns, stageArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'List the sessions of a stage',
  order: 10,
  aliases: ['ls'],
  operation: 'ListStageSessions',
  paginated: true,
  description:
    'Lists the sessions of a stage, following all pages unless --max-items is given. A session starts when the first participant joins and ends when the last one leaves; the active session has no end time.',
  examples: [
    { command: 'ivsrt session list demo' },
    { command: "ivsrt session list demo --json --query 'stageSessions[?!endTime].sessionId'", description: 'only the active session' },
    { command: 'ivsrt session list demo --max-items 5', description: 'the first five; pass the printed NextToken to --starting-token for more' },
  ],
  args: [stageArgument],
  output: { root: 'stageSessions', columns: sessionColumns },
});
