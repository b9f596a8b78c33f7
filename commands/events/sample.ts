import { defineVerb } from '../../src/cli/command.js';
import { writeJson } from '../../src/cli/output/render.js';
import { ALL_EVENT_NAMES, EVENT_ARG, eventNameOf, EXTRAS_OPTION, sampleFor, STAGE_OPTION } from '../../src/events/names.js';


export const verb = defineVerb({
  summary: 'Print a realistic EventBridge envelope of an IVS event',
  order: 20,
  description:
    'Prints a realistic EventBridge envelope of an IVS real-time event, exactly as a rule target receives it, for fixtures and handler tests (like `sam local generate-event`). ' +
    `Names may be written as in the documentation or in kebab-case: ${ALL_EVENT_NAMES.join(', ')}.`,
  examples: [
    { command: 'ivsrt events sample participant-published' },
    { command: 'ivsrt events sample "Recording End" --stage arn:aws:ivs:us-west-2:111122223333:stage/AbCdef1G2hij > recording-end.json' },
    { command: 'ivsrt events sample destination-failure --query detail', description: 'just the detail' },
  ],
  args: [EVENT_ARG],
  options: [
    STAGE_OPTION,
    { flags: '--account <id>', description: 'the account in the envelope (default: the stage ARN\'s, else 123456789012)' },
    EXTRAS_OPTION,
  ],
  async run(ctx, options) {
    const name = eventNameOf(options.event);
    const event = await sampleFor(ctx, name, options.stage, options.account, options.extras === true);
    // The envelope is the point: JSON on a terminal too, unless --query picks a part of it.
    if (ctx.globals.query !== undefined) return event;
    writeJson(ctx, event);
    return undefined;
  },
});
