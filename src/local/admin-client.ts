// A client for the emulator's /_ivsrt/ routes: the emulator's own loopback API. Every call carries the
// instance's admin secret, and is SigV4-signed as well when the instance runs with --credentials.
import { ADMIN_SECRET_HEADER, inProcessSecret } from '../emulator/admin-secret.js';
import type { BucketFaultResult } from '../emulator/admin.js';
import { readInstanceState } from './instance.js';
import { mediaLine, type MeasuredMedia } from './media.js';

export interface AdminStatus {
  pid: number;
  url: string;
  dataDir: string | null;
  region: string;
  accountId: string;
  version: string;
  startedAt: string;
  clock: { now: string; speed: number; advancedSeconds: number };
  counts: Record<string, number>;
  /** Participants publishing real media over WHIP, with what the emulator measures (src/emulator/whip). */
  whipPublishers?: WhipPublisherStatus[];
}

export interface WhipPublisherStatus {
  participantId: string;
  userId?: string;
  stageArn: string;
  sessionId: string;
  sessionUrl: string;
  connectionState: string;
  media: MeasuredMedia;
}

/** One publisher in a line: `alice H264 1280x720 30 fps + OPUS, 2.61 Mbit/s (connected)`. */
export function describeMedia(p: WhipPublisherStatus): string {
  return `${p.userId ?? p.participantId} ${mediaLine(p.media)} (${p.connectionState})`;
}

export interface JoinResult {
  participant: Record<string, unknown> & { participantId: string; state: string };
  stageArn: string;
  sessionId: string;
}

export interface ParticipantTokenResult {
  participantId: string;
  token: string;
  userId?: string;
  attributes?: Record<string, string>;
  duration: number;
  capabilities: string[];
  expirationTime: string;
}

export interface JoinRequest {
  /** Join with a participant token (emulator-issued or self-signed)... */
  token?: string;
  /** ...or, trusted, straight onto a stage. */
  stageArn?: string;
  participantId?: string;
  userId?: string;
  attributes?: Record<string, string>;
  capabilities?: ('PUBLISH' | 'SUBSCRIBE')[];
  publish?: boolean;
  protocol?: 'UNKNOWN' | 'WHIP' | 'RTMP' | 'RTMPS';
  clientInfo?: Partial<Record<'ispName' | 'osName' | 'osVersion' | 'browserName' | 'browserVersion' | 'sdkVersion', string>>;
}

/** A participant already on a stage: by stage and id, or by the token it joined with. */
export type ParticipantRef = { stageArn: string; participantId: string } | { token: string };

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
}

export class AdminClient {
  readonly url: string;
  private readonly secret: string | undefined;
  private readonly signWith: AdminClientOptions['signWith'];

  constructor(url: string, options: AdminClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    const env = options.env ?? process.env;
    const instance = options.secret === undefined || options.signWith === undefined ? readInstanceState(this.url, env) : undefined;
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
    const [{ SignatureV4 }, { NodeSha256 }] = await Promise.all([import('@smithy/signature-v4'), import('../emulator/sigv4.js')]);
    const { credentials, region } = this.signWith;
    const identity = typeof credentials === 'function' ? await credentials() : credentials;
    const signer = new SignatureV4({ credentials: identity, region, service: 'ivs', sha256: NodeSha256 });
    const url = new URL(`${this.url}/_ivsrt/${route}`);
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

  private async send(method: 'GET' | 'POST', route: string, request: unknown, signal?: AbortSignal): Promise<Response> {
    const body = request === undefined ? undefined : JSON.stringify(request);
    const res = await fetch(`${this.url}/_ivsrt/${route}`, { method, headers: await this.headers(method, route, body), body, signal });
    if (res.ok) return res;
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // the start of the text stands in for the message
    }
    const type = res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`;
    const message = typeof parsed.message === 'string' ? parsed.message : text.slice(0, 200);
    throw new AdminError(type, res.status, message, typeof parsed.reason === 'string' ? parsed.reason : undefined);
  }

  private async call<T>(method: 'GET' | 'POST', route: string, request?: unknown, signal?: AbortSignal): Promise<T> {
    const text = await (await this.send(method, route, request, signal)).text();
    try {
      return JSON.parse(text) as T;
    } catch {
      return {} as T;
    }
  }

  /** A streaming route (NDJSON): the open response, for the caller to read until it ends or `signal` aborts. */
  stream(route: string, request: unknown, signal: AbortSignal): Promise<Response> {
    return this.send('POST', route, request, signal);
  }

  status(): Promise<AdminStatus> {
    return this.call('GET', 'status');
  }
  /** The WHIP publishers of every stage with their measured media: what changes by the second in status(). */
  media(signal?: AbortSignal): Promise<{ whipPublishers?: WhipPublisherStatus[] }> {
    return this.call('GET', 'media', undefined, signal);
  }
  /** The configured state in the seed format (src/emulator/seed.ts). */
  exportSeed(): Promise<Record<string, unknown>> {
    return this.call('GET', 'export');
  }
  reset(): Promise<{ reset: true }> {
    return this.call('POST', 'reset', {});
  }
  advanceClock(advanceSeconds: number): Promise<{ now: string; advancedSeconds: number }> {
    return this.call('POST', 'clock', { advanceSeconds });
  }
  shutdown(): Promise<{ shuttingDown: true }> {
    return this.call('POST', 'shutdown', {});
  }
  /** Like CreateParticipantToken, without SigV4. */
  createToken(request: { stageArn: string; userId?: string; duration?: number; attributes?: Record<string, string>; capabilities?: string[] }): Promise<{ participantToken: ParticipantTokenResult }> {
    return this.call('POST', 'token', request);
  }
  join(request: JoinRequest): Promise<JoinResult> {
    return this.call('POST', 'join', request);
  }
  leave(ref: ParticipantRef): Promise<JoinResult> {
    return this.call('POST', 'leave', ref);
  }
  publish(ref: ParticipantRef): Promise<JoinResult> {
    return this.call('POST', 'publish', ref);
  }
  unpublish(ref: ParticipantRef): Promise<JoinResult> {
    return this.call('POST', 'unpublish', ref);
  }
  subscribe(ref: ParticipantRef, publisherId: string): Promise<JoinResult> {
    return this.call('POST', 'subscribe', { ...ref, publisherId });
  }
  unsubscribe(ref: ParticipantRef, publisherId: string): Promise<JoinResult> {
    return this.call('POST', 'unsubscribe', { ...ref, publisherId });
  }
  /** The client SDK's exchangeToken: a connected participant swaps its self-signed token for another. */
  exchangeToken(token: string, newToken: string): Promise<JoinResult> {
    return this.call('POST', 'exchange', { token, newToken });
  }
  /** An RTMP(S) encoder connecting with a stream key. */
  ingest(streamKey: string, protocol?: 'RTMP' | 'RTMPS'): Promise<JoinResult> {
    return this.call('POST', 'ingest', { streamKey, protocol });
  }
  /** Output to a composition's destination is interrupted: RECONNECTING, then FAILED (at once with `now`). */
  failDestination(request: { compositionArn: string; destinationId?: string; now?: boolean }): Promise<{ composition: Record<string, unknown> }> {
    return this.call('POST', 'fail/destination', request);
  }
  /** Recordings and S3 destinations writing to `bucket` fail until the fault is cleared. */
  failBucket(request: { bucket: string; clear?: boolean }): Promise<BucketFaultResult> {
    return this.call('POST', 'fail/bucket', request);
  }
  /** A participant's current recording fails (to start, or to end). */
  failRecording(request: { stageArn: string; participantId: string }): Promise<JoinResult> {
    return this.call('POST', 'fail/recording', request);
  }
}

