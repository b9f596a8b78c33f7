import { defineVerb } from '../../src/cli/command.js';

export const verb = defineVerb({
  description: 'Prints the Markdown command reference (docs/commands.md) from the command registry.',
  examples: [{ command: 'ivsrt __docs > docs/commands.md' }],
  async run(ctx) {
    const { commandReference } = await import('../../src/cli/docs.js');
    ctx.io.stdout.write(await commandReference());
    return undefined;
  },
});
