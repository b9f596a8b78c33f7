import { defineVerb } from '../../src/cli/command.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { deliver } from '../../src/emulator/eventbridge/delivery.js';
import { parseTargetFlag, RulesError } from '../../src/emulator/eventbridge/rules.js';
import { EVENT_ARG, eventNameOf, EXTRAS_OPTION, sampleFor, STAGE_OPTION } from '../../src/events/names.js';


export const verb = defineVerb({
  summary: 'Send one IVS event to your handler (a URL or a command)',
  order: 30,
  description:
    'Sends one realistic IVS event to your handler, the way the emulator delivers events (and EventBridge an API destination): the JSON envelope alone, POSTed to a URL, ' +
    'or on the standard input of a command (exec:<command>). Like `twilio webhook:invoke`. The envelope is `ivsrt events sample`\'s. ' +
    'Exits 0 when the handler took it (2xx, or exit code 0), 255 otherwise.',
  examples: [
    { command: 'ivsrt events send participant-published --to http://localhost:3000/ivs-events' },
    { command: 'ivsrt events send recording-end --to "exec:node handler.js" --stage demo' },
  ],
  args: [EVENT_ARG],
  options: [
    { flags: '--to <url|exec:command>', description: 'where to send it: an http(s) URL, or exec:<command>' },
    STAGE_OPTION,
    EXTRAS_OPTION,
  ],
  async run(ctx, options) {
    const name = eventNameOf(options.event);
    if (options.to === undefined) throw new UsageError('--to is required', 'Name your handler: --to http://localhost:3000/events or --to "exec:node handler.js".');
    let spec;
    try {
      spec = parseTargetFlag(options.to);
    } catch (error) {
      if (error instanceof RulesError) throw new UsageError(error.message.replace('--event-target', '--to'));
      throw error;
    }
    const event = await sampleFor(ctx, name, options.stage, undefined, options.extras === true);
    const outcome = await deliver(spec, JSON.stringify(event), (line) => ctx.info(line.trim()));
    if (!outcome.ok) throw new CliError(`${options.to} did not take the event: ${outcome.error}`, EXIT.other);
    if (ctx.io.stderrIsTTY) ctx.info(`sent ${name} (${event.id}) to ${options.to}`);
    return ctx.globals.json || ctx.globals.query !== undefined ? { sent: true, id: event.id, eventName: name, to: options.to } : undefined;
  },
});
