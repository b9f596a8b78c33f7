import { defineVerb } from '../../src/cli/command.js';
import { tagsOption } from './shared.js';

export const verb = defineVerb({
  summary: 'Create a stage, optionally with participant tokens',
  order: 10,
  operation: 'CreateStage',
  description:
    'Creates a stage. With --tokens N it also issues N participant tokens in the same call (up to 12), using --capabilities, --user-id, --duration and --attributes for each; pass --input for per-token settings and auto-recording.',
  examples: [
    { command: 'ivsrt stage create --name demo' },
    { command: 'ivsrt stage create --name demo --tokens 2 --capabilities publish,subscribe --json', description: 'a stage and two tokens' },
    { command: 'ivsrt stage create --input stage.json', description: 'the full CreateStage request from a file' },
  ],
  options: [
    { flags: '--name <name>', description: 'stage name (letters, digits, - and _; up to 128)', field: 'name' },
    tagsOption,
    // --tokens makes the list; the flags after it fill in every token of it (or of --input's list).
    { flags: '--tokens <count>', description: 'issue this many participant tokens with the stage', parse: 'items', field: 'participantTokenConfigurations' },
    { flags: '--capabilities <list>', description: 'token capabilities: publish, subscribe or both', parse: 'upperList', choices: ['publish', 'subscribe'], field: 'participantTokenConfigurations[].capabilities' },
    { flags: '--user-id <id>', description: 'user id carried by each token', parse: 'string', field: 'participantTokenConfigurations[].userId' },
    { flags: '--duration <minutes>', description: 'token lifetime in minutes (1-20160, default 720)', parse: 'int', field: 'participantTokenConfigurations[].duration' },
    { flags: '--attributes <key=value,...>', description: 'attributes carried by each token', parse: 'keyValues', field: 'participantTokenConfigurations[].attributes' },
  ],
  // No root: the tokens issued with the stage are part of what a person needs to see.
  output: { columns: [{ header: 'STAGE', field: 'stage' }, { header: 'TOKENS', field: 'participantTokens' }] },
});
