// The commander set-up of every verb, from its spec: the one source for the parser, help, the docs
// reference and completion, so each sees exactly the flags the parser accepts.
import { Option, type Command } from 'commander';
import type { AnyVerb, OptionSpec } from './command.js';
import { UsageError } from './errors.js';
import { verbHelpText } from './help.js';
import { parseInputFile, parseValue } from './parsers.js';
import { argKey, maxResultsOf } from './request.js';

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
  if (spec.hidden) option.hideHelp();
  const takesValue = /[<[]/.test(spec.flags);
  if (takesValue) {
    const parser = spec.parse ?? 'string';
    option.argParser((text: string, previous: unknown) => parseValue(spec, parser, text, previous));
  }
  return option;
}

export function configureVerb(command: Command, verb: AnyVerb): void {
  command.description(verb.description);
  for (const arg of verb.args ?? []) command.argument(arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description);
  for (const spec of verb.options ?? []) command.addOption(commanderOption(spec));
  if (verb.operation) {
    command.addOption(
      new Option('--input <file>', 'the full request as JSON from a file, or - for standard input (flags override it)').argParser((text: string) => parseInputFile(text)),
    );
  }
  if (verb.paginated) {
    const whole = (flag: string, min: number, max = Infinity) => (text: string) => {
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}, got "${text}"`);
      return value;
    };
    command.addOption(new Option('--max-items <n>', 'stop after this many items and print a NextToken').argParser(whole('--max-items', 1)));
    const maxPage = verb.operation ? maxResultsOf(verb.operation) : 100;
    command.addOption(new Option('--page-size <n>', `items per request (1-${maxPage}; the total is the same)`).argParser(whole('--page-size', 1, maxPage)));
    command.addOption(new Option('--starting-token <token>', 'continue from the NextToken an earlier call printed'));
  }
  command.addHelpText('after', verbHelpText(verb));
}

/** The verb's parsed flags and its positional arguments under their names. */
export function collectOptions(command: Command, verb: AnyVerb, positionals: unknown[]): Record<string, unknown> {
  const options: Record<string, unknown> = { ...command.opts() };
  (verb.args ?? []).forEach((arg, i) => {
    if (positionals[i] !== undefined) options[argKey(arg)] = positionals[i];
  });
  return options;
}
