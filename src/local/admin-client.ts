// A client for the emulator's /_ivsrt/ routes (no SigV4: they are the emulator's own loopback API).
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
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    /** For refused tokens: malformed, bad-signature, unknown-key, expired, invalid-claims, revoked. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = type;
  }
}

export class AdminClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_ivsrt/${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // reported below with the status
    }
    if (!res.ok) {
      const type = res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`;
      const message = typeof parsed.message === 'string' ? parsed.message : text.slice(0, 200);
      throw new AdminError(type, res.status, message, typeof parsed.reason === 'string' ? parsed.reason : undefined);
    }
    return parsed as T;
  }

  status(): Promise<AdminStatus> {
    return this.call('GET', 'status');
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
}
