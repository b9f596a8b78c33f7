// Runs one command line against the registry it is given (src/cli/root.ts passes the one in
// commands/index.ts): builds the commander tree from it, imports only the verb being run, runs it and
// renders the result.
// Only what every command line needs is imported here; what running a verb needs (its flags' set-up,
// the context, the request pipeline, rendering) is imported once a verb is found, so `--version` and
// `--help` never evaluate it.
import { Command, CommanderError } from 'commander';
import type { Registry } from './command.js';
import type { GlobalOptions } from './config.js';
import { CliError, EXIT, ExitStatus, UsageError, classify, usageHint, type TypedVerb } from './errors.js';
import { onOutputError, systemIO, type IO } from './io.js';
import { HELP_TOPICS, rootHelpText } from './help.js';
import { addGlobalOptions, findEntry, locate } from './program.js';
import { installDefaultInterrupt } from './signals.js';
import { VERSION } from '../version.js';


async function printError(io: IO, error: CliError, debug: boolean, original: unknown): Promise<void> {
  if (error instanceof ExitStatus) return;
  const painter = (await import('./output/paint.js')).paint(io.colorErr);
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

export async function main(registry: Registry, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The shells' completion scripts pass a half-typed line, which is not for commander to parse.
  if (argv[0] === '__complete') return (await import('./completion/run.js')).runComplete(registry, argv.slice(1), { env, stdout: process.stdout, stderr: process.stderr });
  // docs/commands.md (`npm run docs`): the reference written from the registry.
  if (argv[0] === '__docs') {
    process.stdout.write(await (await import('./docs.js')).commandReference(registry));
    return EXIT.ok;
  }
  installProcessHandlers();
  return runCommand(registry, argv, env);
}

/** Runs one command line; tests call it in-process with their own streams. */
export async function runCommand(registry: Registry, argv: string[], env: NodeJS.ProcessEnv, io: IO = systemIO(env, argv.includes('--no-color') ? false : undefined)): Promise<number> {
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
  program.addHelpText('after', rootHelpText(registry));

  const words = locate(argv);
  if (words[0] === 'help') return showHelp(registry, program, argv, io, env);
  const entry = findEntry(registry, words);

  // Once the verb is known only its own command is set up; the whole tree is for help and suggestions.
  const entries = entry ? [entry] : registry.commands;
  for (const noun of registry.nouns) {
    const verbs = entries.filter((c) => c.path.length === 2 && c.path[0] === noun.name);
    if (entry && !verbs.length) continue;
    const nounCommand = program.command(noun.name).description(noun.summary).usage('<verb> [flags]');
    for (const e of verbs) nounCommand.command(e.path[1]!).description(e.summary).aliases(e.aliases ?? []);
  }
  for (const e of entries.filter((c) => c.path.length === 1)) {
    const top = program.commands.find((c) => c.name() === e.path[0]) ?? program.command(e.path[0]!);
    top.description(e.summary);
  }

  let exitCode: number = EXIT.ok;
  let typed: TypedVerb | undefined;
  if (entry) {
    const [{ verb }, { collectOptions, configureVerb }, { createContext }, { runVerb }, { render }] = await Promise.all([
      entry.load(),
      import('./configure.js'),
      import('./context.js'),
      import('./operation.js'),
      import('./output/render.js'),
    ]);
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
      const result = await runVerb(ctx, verb, options);
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
      await printError(io, new UsageError(message, usageHint(error.code, typed)), debug, error);
      return EXIT.usage;
    }
    const classified = classify(error);
    await printError(io, classified, debug, error);
    exitCode = classified.exitCode;
  }
  return exitCode;
}

async function showHelp(registry: Registry, program: Command, argv: string[], io: IO, env: NodeJS.ProcessEnv): Promise<number> {
  const rest = locate(argv.slice(argv.indexOf('help') + 1));
  // Own entries only: `help constructor` is not Object's constructor.
  const topic = rest[0] && Object.hasOwn(HELP_TOPICS, rest[0]) ? HELP_TOPICS[rest[0]] : undefined;
  if (topic) {
    io.stdout.write(topic);
    return EXIT.ok;
  }
  if (!rest.length) {
    program.outputHelp();
    return EXIT.ok;
  }
  // Else commander answers `nope --help` (or `stage nope --help`) with the whole help (or the noun's) and 0,
  // as if the words were a command.
  const known = (rest.length === 1 && registry.nouns.some((n) => n.name === rest[0])) || findEntry(registry, rest) !== undefined;
  if (!known) {
    await printError(io, new UsageError(`no help topic or command "${rest.join(' ')}"`, `Topics: ${Object.keys(HELP_TOPICS).join(', ')}; \`ivsrt --help\` lists the commands.`), false, undefined);
    return EXIT.usage;
  }
  return runCommand(registry, [...rest, '--help'], env, io);
}
