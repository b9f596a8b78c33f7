// Exit codes follow the AWS CLI (awscli/topics/return-codes), so scripts written for `aws` keep working.
export const EXIT = {
  ok: 0,
  interrupted: 130,
  usage: 252,
  config: 253,
  service: 254,
  other: 255,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** A second line telling the user what to do next. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Bad flags, arguments or input: nothing was sent. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** No region, unknown profile, no credentials, unreachable local emulator. */
export class ConfigError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.config, hint);
  }
}

/** The service answered with an error (or a name lookup found nothing, which the service would have said). */
export class ServiceError extends CliError {
  constructor(
    readonly code: string,
    message: string,
    hint?: string,
  ) {
    super(`${code}: ${message}`, EXIT.service, hint);
  }
}

/** The user declined a confirmation or pressed Ctrl-C. */
export class CancelledError extends CliError {
  constructor(message = 'cancelled') {
    super(message, EXIT.interrupted);
  }
}

/** Ends the command with an exit code and nothing to add: the verb has already told the user. */
export class ExitStatus extends CliError {
  constructor(exitCode: number) {
    super('', exitCode);
  }
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError', 'InvalidSignatureException', 'UnrecognizedClientException', 'ExpiredTokenException']);

const UNREACHABLE_HINT = 'Check the endpoint and your network (--debug shows where each request goes).';

/** The SDK's TimeoutError, told apart by which timeout fired (node-http-handler's messages). */
function timeoutError(message: string): CliError {
  const after = /(\d+) ?ms/.exec(message)?.[1];
  const seconds = after ? ` within ${Number(after) / 1000} s` : '';
  if (/establish a connection/.test(message)) {
    return new CliError(`could not connect to the endpoint${seconds}`, EXIT.other, `${UNREACHABLE_HINT} --cli-connect-timeout sets how long to try (0 waits forever).`);
  }
  return new CliError(`the endpoint stopped answering: no reply${seconds}`, EXIT.other, `--cli-read-timeout sets how long to wait (0 waits forever). ${UNREACHABLE_HINT}`);
}

/** Turns anything thrown during a command into a CliError with the right exit code. */
export function classify(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; $response?: { statusCode?: number } };
  if (e && typeof e === 'object') {
    // src/local/background.ts LocalStartError: the background emulator did not start, so the endpoint is unreachable.
    if (e.name === 'LocalStartError') return new ConfigError(e.message ?? 'the local emulator did not start');
    // src/local/paths.ts LocalHomeError: where ivsrt keeps local state cannot be made.
    if (e.name === 'LocalHomeError') return new ConfigError(e.message ?? 'IVSRT_HOME cannot be used', 'Set IVSRT_HOME to a directory you can write (the default is ~/.ivsrt).');
    if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
      return new ConfigError(`unable to locate valid credentials: ${firstLine(e.message)}`, 'Configure credentials (aws configure, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE) or use --local for the local emulator.');
    }
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    if (/Deserialization error/.test(e.message ?? '')) {
      // A reply the SDK could not parse (HTML from a proxy, a truncated body): not a service error code.
      return new CliError(`the service answered HTTP ${status ?? '?'} with a reply that could not be read: ${firstLine(e.message)}`, EXIT.other, 'Check the endpoint (--debug shows each request and reply).');
    }
    if (e.$metadata && (e.$fault || e.$metadata.httpStatusCode)) {
      if (e.name === 'Unknown' || e.message === 'UnknownError') {
        // An error status with no error code in the reply (an empty 5xx from a load balancer, say).
        return new ServiceError(`HTTP ${status ?? '?'}`, 'the service answered with an error status and no error code or message');
      }
      const message = (e as { exceptionMessage?: string }).exceptionMessage ?? e.message ?? '';
      return new ServiceError(e.name ?? 'UnknownError', firstLine(message) || '(no message)');
    }
    const refused = e as { reason?: unknown; status?: unknown };
    if (typeof refused.status === 'number' && typeof refused.reason === 'string' && refused.status < 500) {
      // The local emulator refused a token (`ivsrt local join --token ...`): bad input, like any usage error.
      return new UsageError(`the emulator refused the token: ${firstLine(e.message)}`);
    }
    if (e.name === 'TimeoutError') return timeoutError(e.message ?? '');
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ECONNRESET' || e.code === 'EAI_AGAIN') {
      return new CliError(`could not reach the endpoint: ${firstLine(e.message)}`, EXIT.other, UNREACHABLE_HINT);
    }
  }
  return new CliError(firstLine(error instanceof Error ? error.message : String(error)) || 'unexpected error', EXIT.other);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim();
}

/** What the user typed for a verb, as far as a usage hint needs it. */
export interface TypedVerb {
  /** e.g. ['stage', 'create']. */
  path: string[];
  /** The verb's positional arguments, in order (names only). */
  args: string[];
  /** The verb's own flags, long form (e.g. '--name'). */
  flags: string[];
  /** The command line as typed. */
  argv: string[];
}

/** A second line for commander's usage errors that says what to type, rather than pointing at --help. */
export function usageHint(code: string, typed: TypedVerb | undefined): string {
  if (!typed) return 'Run `ivsrt --help` for the commands.';
  const name = `ivsrt ${typed.path.join(' ')}`;
  const usage = `${name}${typed.args.map((a) => ` <${a}>`).join('')} [flags]`;
  if (code === 'commander.excessArguments') {
    // The words typed after the verb beyond its arguments are the mistake; a lone one is usually a name.
    const words = wordsAfterVerb(typed.argv, typed.path);
    const extra = words.slice(typed.args.length);
    if (extra.length === 1 && typed.flags.includes('--name')) return `Names are given with --name: \`${name} ${words.slice(0, typed.args.length).join(' ')}${typed.args.length ? ' ' : ''}--name ${extra[0]}\`.`;
    return `Usage: ${usage}. Flags start with --; see \`${name} --help\`.`;
  }
  if (code === 'commander.missingArgument') return `Usage: ${usage}.`;
  return `See \`${name} --help\` for its flags.`;
}

/** The words typed right after the verb, up to the first flag (`stage create demo2 --tags ...` gives [demo2]). */
function wordsAfterVerb(argv: string[], path: string[]): string[] {
  const verbAt = argv.indexOf(path.at(-1)!, path.length > 1 ? argv.indexOf(path[0]!) + 1 : 0);
  if (verbAt === -1) return []; // typed as an alias (`stage ls`): no suggestion rather than a wrong one
  const after = argv.slice(verbAt + 1);
  const flag = after.findIndex((a) => a.startsWith('-'));
  return flag === -1 ? after : after.slice(0, flag);
}
