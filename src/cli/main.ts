// Entry point of the bundle bin/ivsrt.js loads. It builds the commander tree from the registry, but
// imports only the verb being run, then runs it and renders the result.
import { Command, CommanderError, Option } from 'commander';
import { COMMANDS, NOUNS, type Entry } from '../../commands/index.js';
import type { OptionSpec, Verb } from './command.js';
import { createContext } from './context.js';
import type { GlobalOptions } from './config.js';
import { CliError, EXIT, ExitStatus, UsageError, classify, usageHint, type TypedVerb } from './errors.js';
import { onOutputError, systemIO, type IO } from './io.js';
import { render } from './output/render.js';
import { paint } from './output/paint.js';
import { parseInputFile, parseValue } from './parsers.js';
import { argKey, maxResultsOf } from './request.js';
import { HELP_TOPICS, rootHelpText, verbHelpText } from './help.js';
import { installDefaultInterrupt } from './signals.js';
import { VERSION } from '../version.js';


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

export function findEntry(words: string[]): Entry | undefined {
  const [first, second] = words;
  return COMMANDS.find((e) => (e.path.length === 1 ? e.path[0] === first : e.path[0] === first && (e.path[1] === second || e.aliases?.includes(second ?? ''))));
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

export function configureVerb(command: Command, verb: Verb<any>): void {
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
  if (verb.confirm) command.option('-y, --yes', 'do not ask for confirmation');
  command.addHelpText('after', verbHelpText(verb));
}

function collectOptions(command: Command, verb: Verb<any>, positionals: unknown[]): Record<string, unknown> {
  const options: Record<string, unknown> = { ...command.opts() };
  (verb.args ?? []).forEach((arg, i) => {
    if (positionals[i] !== undefined) options[argKey(arg)] = positionals[i];
  });
  return options;
}

function printError(io: IO, error: CliError, debug: boolean, original: unknown): void {
  const painter = paint(io.colorErr);
  if (error instanceof ExitStatus) return;
  io.stderr.write(`${painter.error('error:')} ${error.message}\n`);
  if (error.hint) io.stderr.write(`${painter.dim(error.hint)}\n`);
  if (debug && original instanceof Error && original.stack) io.stderr.write(`${original.stack}\n`);
}

/** Process-wide behaviour a CLI owes its shell: quiet exits on a closed pipe, 130 on Ctrl-C. */
function installProcessHandlers(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => onOutputError(error, 'stdout'));
  process.stderr.on('error', (error: NodeJS.ErrnoException) => onOutputError(error, 'stderr'));
  installDefaultInterrupt();
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The shells' completion scripts pass a half-typed line, which is not for commander to parse.
  if (argv[0] === '__complete') return (await import('../completion/run.js')).runComplete(argv.slice(1), { env, stdout: process.stdout, stderr: process.stderr });
  installProcessHandlers();
  return runCommand(argv, env);
}

/** Runs one command line; tests call it in-process with their own streams. */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv, io: IO = systemIO(env, argv.includes('--no-color') ? false : undefined)): Promise<number> {
  const debug = argv.includes('--debug');
  const program = new Command('ivsrt');
  program
    .description('Amazon IVS Real-Time from the command line: stages, tokens, sessions, participants, compositions and more')
    .version(VERSION, '-v, --version', 'print the version')
    .usage('<command> <verb> [flags]')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {},
    })
    .helpCommand(false);
  addGlobalOptions(program);
  program.addHelpText('after', rootHelpText(NOUNS));

  const words = locate(argv);
  if (words[0] === 'help') return showHelp(program, argv, io, env);
  const entry = findEntry(words);

  for (const noun of NOUNS) {
    const nounCommand = program.command(noun.name).description(noun.summary).usage('<verb> [flags]');
    for (const e of COMMANDS.filter((c) => c.path.length === 2 && c.path[0] === noun.name && !c.hidden)) {
      nounCommand.command(e.path[1]!).description(e.summary).aliases(e.aliases ?? []);
    }
  }
  for (const e of COMMANDS.filter((c) => c.path.length === 1)) {
    const top = program.commands.find((c) => c.name() === e.path[0]) ?? program.command(e.path[0]!, { hidden: e.hidden });
    top.description(e.summary);
  }

  let exitCode: number = EXIT.ok;
  let typed: TypedVerb | undefined;
  if (entry) {
    const { verb } = await entry.load();
    typed = { path: entry.path, args: (verb.args ?? []).map((a) => a.name), flags: (verb.options ?? []).map((o) => o.flags.split(/[ ,]/)[0]!), argv };
    const parent = entry.path.length === 2 ? program.commands.find((c) => c.name() === entry.path[0])! : program;
    const command = parent.commands.find((c) => c.name() === entry.path.at(-1)) ?? parent.command(entry.path.at(-1)!);
    configureVerb(command, verb);
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const positionals = received.slice(0, -2);
      const globals = self.optsWithGlobals() as GlobalOptions & { yes?: boolean };
      const options = collectOptions(self, verb, positionals);
      const ctx = createContext({ io, env, globals, assumeYes: Boolean(options.yes), maxAttempts: verb.ownRetries ? 1 : undefined });
      const result = await verb.run(ctx, options);
      await render(ctx, verb.output, result, options);
    });
  }
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      if (error.code === 'commander.executeSubCommandAsync' || error.exitCode === 0) return EXIT.ok;
      const message = error.message.replace(/^error: /, '');
      printError(io, new UsageError(message, usageHint(error.code, typed)), debug, error);
      return EXIT.usage;
    }
    const classified = classify(error);
    printError(io, classified, debug, error);
    exitCode = classified.exitCode;
  }
  return exitCode;
}

async function showHelp(program: Command, argv: string[], io: IO, env: NodeJS.ProcessEnv): Promise<number> {
  const rest = locate(argv.slice(argv.indexOf('help') + 1));
  const topic = rest[0] ? HELP_TOPICS[rest[0]] : undefined;
  if (topic) {
    io.stdout.write(topic);
    return EXIT.ok;
  }
  if (!rest.length) {
    program.outputHelp();
    return EXIT.ok;
  }
  return runCommand([...rest, '--help'], env, io);
}
