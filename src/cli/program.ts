// Finding the command on a command line and the global flags: all `--help` and `--version` need, so
// kept apart from the per-verb set-up (configure.ts) and what running a verb loads.
import type { Command } from 'commander';
import type { Entry, Registry } from './command.js';

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
