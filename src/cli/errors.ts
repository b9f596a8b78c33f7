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

/** Turns anything thrown during a command into a CliError with the right exit code. */
export function classify(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  if (e && typeof e === 'object') {
    if (e.name && CREDENTIAL_ERRORS.has(e.name)) {
      return new ConfigError(`unable to locate valid credentials: ${firstLine(e.message)}`, 'Configure credentials (aws configure, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE) or use --local for the local emulator.');
    }
    if (e.$metadata && (e.$fault || e.$metadata.httpStatusCode)) {
      const message = (e as { exceptionMessage?: string }).exceptionMessage ?? e.message ?? '';
      return new ServiceError(e.name ?? 'UnknownError', firstLine(message) || '(no message)');
    }
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ECONNRESET' || e.name === 'TimeoutError') {
      return new CliError(`could not reach the endpoint: ${firstLine(e.message)}`, EXIT.other, 'Check --endpoint-url, or start the local emulator with `ivsrt local start`.');
    }
  }
  return new CliError(firstLine(error instanceof Error ? error.message : String(error)) || 'unexpected error', EXIT.other);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim();
}
