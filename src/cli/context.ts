// gh's Factory: everything a verb might need, created only when the verb asks for it, so `--help`
// or `token decode` never pay for the SDK, the credential chain or a local emulator.
import type { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { AdminClient, AdminClientOptions } from '../local/admin-client.js';
import type { InputOf, OperationName, OutputOf } from '../model/api.js';
import type { GlobalOptions, Target } from './config.js';
import type { IO } from './io.js';
import { CancelledError, UsageError } from './errors.js';

export interface Context {
  io: IO;
  env: NodeJS.ProcessEnv;
  globals: GlobalOptions;
  now(): Date;
  /** Where requests go; starts the local emulator when that is the target. */
  target(): Promise<Target>;
  client(): Promise<IVSRealTimeClient>;
  /**
   * The client of the target emulator's own /_ivsrt/ routes (src/emulator/http/admin-contract.ts): every
   * request is logged by --debug and bounded by the timeouts, like client()'s. A UsageError when the
   * target is AWS, which has no such routes.
   */
  admin(): Promise<AdminClient>;
  /** The same for the emulator at `url` (the background one that `ivsrt local` manages). */
  adminAt(url: string): Promise<AdminClient>;
  /** Sends one API operation and returns its output without `$metadata`, typed as the SDK types it. */
  call<O extends OperationName>(operation: O, input: InputOf<O>, options?: CallOptions): Promise<OutputOf<O>>;
  /**
   * The same for a request built at run time from flags and --input, which the model check, not the
   * compiler, vouches for (the verb pipeline, completion's lookups).
   */
  send(operation: OperationName, input: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
  /** Asks a yes/no question on the terminal; throws where nobody can answer. */
  confirm(question: string): Promise<boolean>;
  /** A line on stderr for a person (hints, notices); suppressed nowhere, never on stdout. */
  info(line: string): void;
  debug(line: string): void;
}

export interface CallOptions {
  abortSignal?: AbortSignal;
}

export interface ContextSeed {
  io: IO;
  env: NodeJS.ProcessEnv;
  globals: GlobalOptions;
  now?: () => Date;
  /** Answers confirm() in tests and from --yes. */
  assumeYes?: boolean;
  /** Attempts per request; default AWS_MAX_ATTEMPTS, else 3. */
  maxAttempts?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'ivsrt-local', secretAccessKey: 'ivsrt-local-secret' };

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export function createContext(seed: ContextSeed): Context {
  const { io, env, globals } = seed;
  const debug = (line: string) => {
    if (globals.debug) io.stderr.write(`[debug] ${line}\n`);
  };

  const target = lazy(async () => {
    const { resolveTarget } = await import('./config.js');
    const resolved = await resolveTarget(globals, env, async () => {
      const { ensureLocalEmulator } = await import('../local/background.js');
      // Said even when stderr is not a terminal: a process now runs in the background that the user did not start by name.
      return ensureLocalEmulator({ env, admin: (url) => adminAt(url), onStarted: (url) => io.stderr.write(`Started the local IVS emulator in the background at ${url} (\`ivsrt local stop\` stops it).\n`) });
    });
    debug(`target: ${resolved.kind} region=${resolved.region} endpoint=${resolved.endpoint ?? `https://ivsrealtime.${resolved.region}.amazonaws.com (the SDK's default for the region)`}`);
    if (resolved.note && io.stderrIsTTY) {
      const { once } = await import('./notices.js');
      once(env, 'no-aws-configuration', () => io.stderr.write(`${resolved.note}\n`));
    }
    return resolved;
  });

  const client = lazy(async () => {
    const resolved = await target();
    const { resolveTimeouts } = await import('./config.js');
    const timeouts = await resolveTimeouts(globals, env);
    const [{ IVSRealTimeClient }, { collectBody }] = await Promise.all([import('../api/operations.js'), import('../api/reply-body.js')]);
    let credentials;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      // The provider chain's first step, read from this context's environment rather than the process's.
      credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    } else if (resolved.kind === 'local') {
      credentials = LOCAL_CREDENTIALS;
    } else {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      credentials = fromNodeProviderChain({ profile: resolved.profile });
      if (resolved.kind === 'endpoint' && isLoopback(resolved.endpoint!)) {
        // An emulator on this machine (`ivsrt local start --port 4566`) accepts any credentials unless it was
        // started with --credentials: a missing AWS setup should not stand between a newcomer and it.
        const chain = credentials;
        credentials = () => chain().catch(() => LOCAL_CREDENTIALS);
      }
    }
    const instance = new IVSRealTimeClient({
      region: resolved.region,
      endpoint: resolved.endpoint,
      credentials,
      // A CLI call should fail fast on a dead endpoint rather than retry for a minute.
      maxAttempts: seed.maxAttempts ?? (Number(env.AWS_MAX_ATTEMPTS) || 3),
      // The AWS CLI's --cli-connect-timeout and --cli-read-timeout (a read timeout is the socket's idle time); 0 waits forever.
      requestHandler: { connectionTimeout: timeouts.connectMs, socketTimeout: timeouts.readMs },
      streamCollector: collectBody,
    });
    if (globals.debug) {
      const { attachDebugLogging } = await import('./debug.js');
      attachDebugLogging(instance, debug);
    }
    return instance;
  });

  /**
   * The one place an admin client is made. Signing (for an emulator started with --credentials) is left
   * to the client's own rule, the environment's keys: the target's emulator is signed for by admin() below.
   */
  async function adminAt(url: string, signWith?: AdminClientOptions['signWith']): Promise<AdminClient> {
    const [{ AdminClient }, { resolveTimeouts }] = await Promise.all([import('../local/admin-client.js'), import('./config.js')]);
    const log = globals.debug ? (await import('./debug.js')).adminDebugLog(debug) : undefined;
    return new AdminClient(url, { env, signWith, timeouts: await resolveTimeouts(globals, env), log });
  }

  const admin = lazy(async () => {
    const { endpoint } = await target();
    if (endpoint === undefined) throw new UsageError("AWS has no emulator routes: this needs the local emulator (--local) or an ivsrt emulator's --endpoint-url");
    const { instanceStateForClient } = await import('../local/instance.js');
    const instance = instanceStateForClient(endpoint, env);
    // An instance started with --credentials verifies the admin routes' signatures too: sign as the API calls are signed.
    const signed = instance?.adminSigned || env.IVSRT_ADMIN_SIGNED === '1';
    const signWith = signed ? { credentials: async () => (await client()).config.credentials(), region: instance?.region ?? (await target()).region } : undefined;
    return adminAt(endpoint, signWith);
  });

  /** The one place a request meets the SDK: its command class is looked up by name, so its types are too. */
  async function sendCommand(operation: OperationName, input: unknown, options: CallOptions): Promise<Record<string, unknown>> {
    const [{ SDK_COMMANDS }, { checkReply }, sdk] = await Promise.all([import('../api/operations.js'), import('./reply.js'), client()]);
    const Command = SDK_COMMANDS[operation] as unknown as new (input: unknown) => Parameters<IVSRealTimeClient['send']>[0];
    debug(`calling ${operation}`);
    const output = (await sdk.send(new Command(input), { abortSignal: options.abortSignal })) as unknown as Record<string, unknown>;
    const { $metadata, ...rest } = output;
    checkReply(operation, rest, ($metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode);
    return rest;
  }

  return {
    io,
    env,
    globals,
    now: seed.now ?? (() => new Date()),
    target,
    client,
    admin,
    adminAt: (url) => adminAt(url),
    async call<O extends OperationName>(operation: O, input: InputOf<O>, options: CallOptions = {}) {
      return (await sendCommand(operation, input, options)) as OutputOf<O>;
    },
    send: (operation, input, options = {}) => sendCommand(operation, input, options),
    async confirm(question) {
      if (seed.assumeYes) return true;
      if (!io.stdinIsTTY || !io.stderrIsTTY) {
        // The question whole, after the refusal: some go on after their question mark ("Stop composition …? Its broadcast … end.").
        throw new UsageError(`confirmation needed: ${question}`, 'Pass --yes to confirm when not on a terminal.');
      }
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: io.stdin, output: io.stderr });
      const onSigint = () => {
        rl.close();
      };
      rl.on('SIGINT', onSigint);
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } catch {
        throw new CancelledError();
      } finally {
        rl.close();
      }
    },
    info(line) {
      io.stderr.write(`${line}\n`);
    },
    debug,
  };
}
