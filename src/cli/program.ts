// The commander set-up of every verb, from its spec: the one source for the parser, help, the docs
// reference and completion, so each sees exactly the flags the parser accepts.
import { Command, Option } from 'commander';
import type { AnyVerb, Entry, OptionSpec, Registry } from './command.js';
import { UsageError } from './errors.js';
import { verbHelpText } from './help.js';
import { parseInputFile, parseValue } from './parsers.js';
import { argKey, maxResultsOf } from './request.js';

/** Global flags that take a value, so the locator can skip their values when finding noun and verb. */
const VALUE_FLAGS = new Set(['--region', '--profile', '--endpoint-url', '--query', '--cli-connect-timeout', '--cli-read-timeout']);

/** The positional words before any verb flag: [noun, verb] as typed. */
export function locate(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}

export function findEntry(registry: Registry, words: string[]): Entry | undefined {
  const [first, second] = words;
  return registry.commands.find((e) => (e.path.length === 1 ? e.path[0] === first : e.path[0] === first && (e.path[1] === second || e.aliases?.includes(second ?? ''))));
}

export function addGlobalOptions(program: Command): void {
  program
    .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)')
    .option('--profile <name>', 'named profile from ~/.aws/config (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send requests to this endpoint (default: AWS_ENDPOINT_URL_IVS_REALTIME, AWS_ENDPOINT_URL)')
    .option('--local', 'use the local emulator, starting it in the background if needed')
    .option('--json', 'print the API response as JSON, exactly as `aws ivs-realtime` does')
    .option('--query <jmespath>', 'a JMESPath expression applied to the response, as in the AWS CLI')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--debug', 'log each HTTP request and response on stderr, secrets redacted; show stack traces')
    .option('--cli-connect-timeout <seconds>', 'give up connecting after this long (default: the profile\'s cli_connect_timeout, else 60; 0 waits forever)')
    .option('--cli-read-timeout <seconds>', 'give up on a reply that stops arriving for this long (default: the profile\'s cli_read_timeout, else 60; 0 waits forever)');
}

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
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
