// A client for the emulator's /_ivsrt/ routes: the emulator's own loopback API. Every call carries the
// instance's admin secret, and is SigV4-signed as well when the instance runs with --credentials.
import {
  ADMIN_PREFIX,
  ADMIN_ENDPOINTS,
  type AdminReply,
  type AdminRequest,
  type AdminRoute,
  type AdminStatus,
  type JoinRequest,
  type JoinResult,
  type JsonRoute,
  type ParticipantRef,
  type StreamRoute,
} from '../emulator/http/admin-contract.js';
import { ADMIN_SECRET_HEADER, inProcessSecret } from '../emulator/http/admin-secret.js';
import { instanceStateForClient } from './instance.js';

export class AdminError extends Error {
  /**
   * As the SDK's service errors carry it, so the CLI reports the emulator's refusal as a service error
   * (exit 254) naming `type`; a refused token (with a `reason`) is bad input instead (252).
   */
  readonly $metadata?: { httpStatusCode: number };

  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    /** For refused tokens: malformed, bad-signature, unknown-key, expired, invalid-claims, revoked. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = type;
    if (reason === undefined) this.$metadata = { httpStatusCode: status };
  }
}

export interface SigningIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AdminClientOptions {
  /**
   * The instance's secret. By default: that of an emulator running in this process, else
   * $IVSRT_ADMIN_SECRET, else the one in the instance's state file under IVSRT_HOME.
   */
  secret?: string;
  /** Where the instance's state file is looked up (IVSRT_HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * For an instance started with --credentials, whose admin routes demand SigV4 as well. By default the
   * environment's AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, when the instance's state file says it signs.
   */
  signWith?: { credentials: SigningIdentity | (() => Promise<SigningIdentity>); region: string };
  /**
   * How long a request may wait, as --cli-read-timeout bounds the CLI's API calls: for the reply's
   * headers, then for a JSON body (a stream, once open, is read for as long as it lasts). fetch does not
   * show when the connection is made, so a connection that hangs counts against this limit too. 0 waits
   * forever; default: no limit.
   */
  timeouts?: { readMs: number };
  /** Sees each request and reply (--debug); it must redact secrets before they reach a log. */
  log?: AdminLog;
}

/** What a debug log is shown of one admin request: its headers still hold the admin secret. */
export interface AdminLog {
  request(method: string, url: string, headers: Record<string, string>, body: string | undefined): void;
  reply(status: number, ms: number, headers: Record<string, string>, body: string | undefined): void;
}

/** The Node name the CLI reports as a timeout (src/cli/errors.ts), with the time waited in its message. */
function timeoutError(route: string, ms: number): Error {
  const error = new Error(`no reply from the emulator's ${route} route within ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** Aborts after `ms` (never with 0) unless cleared; the abort reason is the error to throw. */
function deadline(ms: number, route: string): { signal?: AbortSignal; clear(): void } {
  if (!(ms > 0)) return { clear() {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError(route, ms)), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Makes the client of the emulator at a URL: the CLI's is its Context's adminAt, with --debug and the timeouts. */
export type AdminFactory = (url: string) => Promise<AdminClient>;

/**
 * For callers without a CLI Context (tests, the library functions' default): no --debug log and no
 * timeouts. The CLI never uses it (test/architecture/admin.test.ts).
 */
export function plainAdmin(env?: NodeJS.ProcessEnv): AdminFactory {
  return async (url) => new AdminClient(url, { env });
}

export class AdminClient {
  readonly url: string;
  private readonly secret: string | undefined;
  private readonly signWith: AdminClientOptions['signWith'];

  constructor(
    url: string,
    private readonly options: AdminClientOptions = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    const env = options.env ?? process.env;
    const instance = options.secret === undefined || options.signWith === undefined ? instanceStateForClient(this.url, env) : undefined;
    this.secret = options.secret ?? inProcessSecret(this.url) ?? (env.IVSRT_ADMIN_SECRET || undefined) ?? instance?.adminSecret;
    this.signWith = options.signWith;
    if (!this.signWith && instance?.adminSigned && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
      this.signWith = { credentials, region: instance.region };
    }
  }

  private async headers(method: string, route: string, body: string | undefined): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.secret !== undefined) headers[ADMIN_SECRET_HEADER] = this.secret;
    if (!this.signWith) return headers;
    // Loaded only for instances that verify signatures: most local verbs never pay for the signer.
    const [{ SignatureV4 }, { NodeSha256 }] = await Promise.all([import('@smithy/signature-v4'), import('../emulator/http/sigv4.js')]);
    const { credentials, region } = this.signWith;
    const identity = typeof credentials === 'function' ? await credentials() : credentials;
    const signer = new SignatureV4({ credentials: identity, region, service: 'ivs', sha256: NodeSha256 });
    const url = new URL(`${this.url}${ADMIN_PREFIX}${route}`);
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: { ...headers, host: url.host },
      body,
    });
    const { host: _host, ...rest } = signed.headers;
    return rest;
  }

  /** Sends a route's request; `read` takes the body of a successful reply (a stream's is left to the caller). */
  private async send<R extends AdminRoute>(route: R, request: AdminRequest<R>, signal: AbortSignal | undefined, read: (res: Response) => Promise<string | undefined>): Promise<{ res: Response; text?: string }> {
    const { method, path } = ADMIN_ENDPOINTS[route];
    const url = `${this.url}${ADMIN_PREFIX}${path}`;
    const body = request === undefined ? undefined : JSON.stringify(request);
    const headers = await this.headers(method, path, body);
    const readMs = this.options.timeouts?.readMs ?? 0;
    const replied = deadline(readMs, path);
    this.options.log?.request(method, url, headers, body);
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: anyOf(signal, replied.signal) });
    } catch (error) {
      throw replied.signal?.aborted ? replied.signal.reason : error;
    } finally {
      replied.clear();
    }
    const text = await this.within(readMs, path, () => (res.ok ? read(res) : res.text()));
    this.options.log?.reply(res.status, Math.round(performance.now() - started), Object.fromEntries(res.headers), text);
    if (res.ok) return { res, text };
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text!) as Record<string, unknown>;
    } catch {
      // the start of the text stands in for the message
    }
    const type = res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`;
    const message = typeof parsed.message === 'string' ? parsed.message : text!.slice(0, 200);
    throw new AdminError(type, res.status, message, typeof parsed.reason === 'string' ? parsed.reason : undefined);
  }

  /** Reads a reply's body within the read timeout. */
  private async within<T>(ms: number, route: string, read: () => Promise<T>): Promise<T> {
    const limit = deadline(ms, route);
    if (!limit.signal) return read();
    const aborted = new Promise<never>((_resolve, reject) => limit.signal!.addEventListener('abort', () => reject(limit.signal!.reason), { once: true }));
    try {
      return await Promise.race([read(), aborted]);
    } finally {
      limit.clear();
    }
  }

  /** Sends one route of the contract and answers its reply, typed as the contract types it. */
  async request<R extends JsonRoute>(route: R, request: AdminRequest<R>, signal?: AbortSignal): Promise<AdminReply<R>> {
    const { text } = await this.send(route, request, signal, (res) => res.text());
    try {
      return JSON.parse(text!) as AdminReply<R>;
    } catch {
      return {} as AdminReply<R>;
    }
  }

  /** A streaming route (NDJSON): the open response, for the caller to read until it ends or `signal` aborts. */
  async stream<R extends StreamRoute>(route: R, request: AdminRequest<R>, signal: AbortSignal): Promise<Response> {
    return (await this.send(route, request, signal, async () => undefined)).res;
  }

  status(): Promise<AdminStatus> {
    return this.request('status', undefined);
  }
  media(signal?: AbortSignal): Promise<AdminReply<'media'>> {
    return this.request('media', undefined, signal);
  }
  exportSeed(): Promise<AdminReply<'export'>> {
    return this.request('export', undefined);
  }
  reset(): Promise<AdminReply<'reset'>> {
    return this.request('reset', {});
  }
  advanceClock(advanceSeconds: number): Promise<AdminReply<'clock'>> {
    return this.request('clock', { advanceSeconds });
  }
  shutdown(): Promise<AdminReply<'shutdown'>> {
    return this.request('shutdown', {});
  }
  createToken(request: AdminRequest<'token'>): Promise<AdminReply<'token'>> {
    return this.request('token', request);
  }
  join(request: JoinRequest): Promise<JoinResult> {
    return this.request('join', request);
  }
  leave(ref: ParticipantRef): Promise<JoinResult> {
    return this.request('leave', ref);
  }
  /** Many leave and join in one request and one commit (the crowd simulator's tick). */
  crowd(request: AdminRequest<'crowd'>): Promise<AdminReply<'crowd'>> {
    return this.request('crowd', request);
  }
  publish(ref: ParticipantRef): Promise<JoinResult> {
    return this.request('publish', ref);
  }
  unpublish(ref: ParticipantRef): Promise<JoinResult> {
    return this.request('unpublish', ref);
  }
  subscribe(ref: ParticipantRef, publisherId: string): Promise<JoinResult> {
    return this.request('subscribe', { ...ref, publisherId });
  }
  unsubscribe(ref: ParticipantRef, publisherId: string): Promise<JoinResult> {
    return this.request('unsubscribe', { ...ref, publisherId });
  }
  exchangeToken(token: string, newToken: string): Promise<JoinResult> {
    return this.request('exchange', { token, newToken });
  }
  ingest(streamKey: string, protocol?: 'RTMP' | 'RTMPS'): Promise<JoinResult> {
    return this.request('ingest', { streamKey, protocol });
  }
}

/** A signal that aborts when any of the given ones does. */
function anyOf(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}
