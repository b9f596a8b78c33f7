// The emulator's HTTP front: plain node:http with keep-alive. It reads the body, finds the operation,
// checks the signature, validates the input against the model, runs the handler (whose changes go
// through Emulator.mutate), waits for their commit, and replies; anything unexpected becomes a 500
// InternalServerException and the server carries on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { OPERATIONS } from '../../model/api.js';
import { ADMIN_PREFIX } from './admin-contract.js';
import { ADMIN_ROUTES, type AdminControl } from './admin.js';
import { ADMIN_SECRET_HEADER, forgetInProcess, newAdminSecret, rememberInProcess, secretMatches } from './admin-secret.js';
import { VirtualClock, type ClockOptions } from '../state/clock.js';
import { scheduleComposition } from '../domain/composition-lifecycle.js';
import { emitEvents } from '../eventbridge/derive.js';
import { resumeRecordings } from '../domain/recording.js';
import { DEFAULT_QUOTAS, Emulator, type Quotas } from '../domain/emulator.js';
import { attachEventBus, type EventBusOptions } from '../eventbridge/bus.js';
import { isStreamed } from './event-stream.js';
import { StageSockets } from './stage-socket.js';
import { accessDenied, ApiError } from '../state/errors.js';
import { HostCheck } from './host-check.js';
import { Launches, OPEN_PREFIX, serveOpenPage } from './open/serve.js';
import { HANDLERS } from './handlers/index.js';
import { openDataDir } from '../state/storage/data-dir.js';
import { queryList, resolveRoute } from './router.js';
import { Authenticator, type Credential } from './sigv4.js';
import { DEFAULT_RETENTION, retention, type RetentionLimits } from '../domain/retention.js';
import { Store } from '../state/store.js';
import { isAccountId } from '../domain/ids.js';
import { Throttle } from './throttle.js';
import { TokenAuthority, TokenError } from '../domain/tokens.js';
import { validateInput } from '../domain/validation.js';
import { WhipIngest, type MediaLimits } from '../media/whip/ingest.js';
import { PLAYBACK_PREFIX, servePlayback } from './playback.js';
import { renderCompositions, type CompositionRenderer } from '../media/composition/renderer.js';
import { VERSION } from '../../version.js';
import { rawErrorReply, sendError, sendJson, type Surface } from './wire.js';

export interface EmulatorOptions {
  host?: string;
  /** Names requests may be addressed to (Host header) besides loopback names and `host`: `name`, `*.domain`, or `*` (host-check.ts). */
  allowHosts?: string[];
  port?: number;
  /** Where state survives restarts; memory only when absent. */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** When set, requests must be signed by one of these (SigV4 verified for real). */
  credentials?: Credential[];
  quotas?: Partial<Quotas>;
  /** The virtual clock: `start` sets the instant it starts at (else it goes on from a data dir's, or starts now), `speed` runs it faster, `frozen` stops it. */
  clock?: ClockOptions;
  log?: (line: string) => void;
  /** WHIP publish limits (default: the service's, whip/ingest.ts). */
  mediaLimits?: MediaLimits;
  /** History bounds (retention.ts); the defaults suit hours of `ivsrt local simulate`. */
  retention?: Partial<RetentionLimits>;
  /** A directory standing in for S3: individual participant recordings of WHIP publishers go to DIR/<bucket>/<prefix>. */
  s3Dir?: string;
  /** Deep-freeze every stored record, so a handler that changes one in place fails (tests; also IVSRT_FREEZE_RECORDS=1). */
  freezeRecords?: boolean;
  /** Enforce the service's per-operation rate limits (429 TooManyRequestsException beyond them); `now` injects the clock (ms). */
  throttle?: boolean | { now: () => number };
  /** What the /_ivsrt/ routes demand in the x-ivsrt-admin-secret header; a fresh random one when absent. */
  adminSecret?: string;
  /** Runs inside a reset, after the state is wiped: `ivsrt local start --seed` loads its seed again. */
  afterReset?: (emu: Emulator) => void;
  /** Where events are delivered (targets, rules, retries, dead letters) and which faults to inject. */
  events?: EventBusOptions;
}

export interface RunningEmulator {
  url: string;
  port: number;
  host: string;
  dataDir?: string;
  emulator: Emulator;
  /** The /_ivsrt/ routes' secret: keep it out of logs and command lines (see src/local/instance.ts). */
  adminSecret: string;
  /** Whether the /_ivsrt/ routes also demand SigV4 (the emulator has --credentials). */
  adminSigned: boolean;
  /** The rate limiter, when throttling is on. */
  throttle?: Throttle;
  /** Resolves when the emulator has stopped, whether by close() or by POST /_ivsrt/shutdown. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
/** Connections kept open while waiting for a request, before the oldest is closed. */
export const MAX_IDLE_CONNECTIONS = 256;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(): ApiError {
  return new ApiError('RequestEntityTooLargeException', `request bodies are limited to ${MAX_BODY_BYTES} bytes`, 413);
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('SerializationException', 'the request body is not valid JSON', 400);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('SerializationException', 'the request body must be a JSON object', 400);
  }
  return value as Record<string, unknown>;
}

function asApiError(error: unknown, log: (line: string) => void): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof TokenError) {
    const status = error.reason === 'revoked' || error.reason === 'expired' ? 403 : 401;
    return new ApiError('InvalidTokenException', `${error.reason}: ${error.message}`, status, { reason: error.reason });
  }
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ApiError('InternalServerException', 'the emulator hit an unexpected error; see its log');
}

/** Arms the timers of a state that was loaded rather than lived through: at start-up, and by the fixture's restore(). */
export function resumeTimers(emu: Emulator): void {
  for (const c of emu.store.compositions.values()) scheduleComposition(emu, c);
  resumeRecordings(emu);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  if (options.accountId !== undefined && !isAccountId(options.accountId)) throw new RangeError(`accountId must be 12 digits, got ${options.accountId}`);
  const limits = { ...DEFAULT_RETENTION, ...options.retention };
  const store = new Store({ freeze: options.freezeRecords ?? process.env.IVSRT_FREEZE_RECORDS === '1', eventsPerParticipant: limits.eventsPerParticipant });
  const engine = options.dataDir ? await openDataDir(options.dataDir, store, log) : undefined;
  const clock = new VirtualClock(options.clock, { offsetMs: store.clockOffsetMs, shiftMs: store.clockShiftMs });
  let tokens: TokenAuthority;
  try {
    tokens = TokenAuthority.load(options.dataDir);
  } catch (error) {
    await engine?.close();
    throw error;
  }
  const emu = new Emulator(
    store,
    options.region ?? 'us-east-1',
    options.accountId ?? '123456789012',
    { ...DEFAULT_QUOTAS, ...options.quotas },
    clock,
    tokens,
    engine,
    log,
  );
  // A clock started at a given instant is stored at once, so a restart without one goes on from it.
  if (options.clock?.start !== undefined) {
    try {
      await emu.mutate([{ k: 'clock', ...clock.state }]);
    } catch (error) {
      await emu.close();
      throw error;
    }
  }
  emu.addDeriver(retention(limits));
  emitEvents(emu, { extras: options.events?.extras });
  resumeTimers(emu);
  const bus = attachEventBus(emu, options.events);
  const auth = new Authenticator(options.credentials, { region: emu.region });
  const hostCheck = new HostCheck(host, options.allowHosts);
  const adminSecret = options.adminSecret ?? newAdminSecret();
  const throttle = options.throttle ? new Throttle(options.throttle === true ? undefined : options.throttle.now) : undefined;

  let server: Server;
  let url = '';
  let whip: WhipIngest | undefined;
  let renderer: CompositionRenderer | undefined;
  const launches = new Launches();
  let stopping: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const startedAt = Date.now();

  const control: AdminControl = {
    info: () => ({
      pid: process.pid,
      url,
      dataDir: options.dataDir ?? null,
      region: emu.region,
      accountId: emu.accountId,
      version: VERSION,
      startedAt,
    }),
    reset: () => {
      emu.clearAllTimers();
      emu.mutate([{ k: 'reset' }]);
      options.afterReset?.(emu);
    },
    shutdown: () => void close(),
  };

  // A web page can send a "simple" cross-origin POST (text/plain, no custom headers) to any port without
  // a preflight. The admin routes refuse anything a browser marks as coming from a page, anything that
  // is not JSON, and anything without the secret, which no page can know; they send no CORS headers.
  function checkAdminAccess(req: IncomingMessage): void {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) throw accessDenied('the /_ivsrt/ routes answer loopback clients only');
    if (req.headers.origin !== undefined) throw accessDenied('the /_ivsrt/ routes refuse requests from web pages (the request has an Origin header)');
    if (req.method !== 'GET' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      throw new ApiError('UnsupportedMediaTypeException', 'the /_ivsrt/ routes take Content-Type: application/json', 415);
    }
    if (!secretMatches(adminSecret, req.headers[ADMIN_SECRET_HEADER])) {
      throw accessDenied(`the /_ivsrt/ routes need this instance's secret in the ${ADMIN_SECRET_HEADER} header (ivsrt reads it from the instance's state file)`);
    }
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    checkAdminAccess(req);
    const body = await readBody(req);
    if (auth.required) await auth.check(req, path, query, body);
    const key = `${req.method} ${path.slice(ADMIN_PREFIX.length)}`;
    const handler = Object.hasOwn(ADMIN_ROUTES, key) ? ADMIN_ROUTES[key] : undefined;
    if (!handler) throw new ApiError('UnknownOperationException', `no emulator route ${req.method} ${path.slice(0, 200)}`, 404);
    const output = await emu.run(() => handler(emu, parseJson(body), control));
    if (isStreamed(output)) return output.pipe(res);
    sendJson(res, 200, output, undefined, 'admin');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    hostCheck.check(req.headers.host);
    if (path.startsWith(ADMIN_PREFIX)) return handleAdmin(req, res, path, query);
    if (path.startsWith(PLAYBACK_PREFIX)) return servePlayback(renderer, req, res, path);
    if (path === '/open' || path.startsWith(OPEN_PREFIX)) return serveOpenPage(req, res, path === '/open' ? OPEN_PREFIX : path, query, launches);
    const body = await readBody(req);
    if (WhipIngest.matches(path)) return whip!.handle(req, res, path, body);
    const route = resolveRoute(method, path);
    await auth.check(req, path, query, body);
    throttle?.take(emu.accountId, route.operation);
    let input: Record<string, unknown>;
    if (route.resourceArn === undefined) input = parseJson(body);
    else if (route.operation === 'TagResource') input = { ...parseJson(body), resourceArn: route.resourceArn };
    else if (route.operation === 'UntagResource') input = { resourceArn: route.resourceArn, tagKeys: queryList(query, 'tagKeys') };
    else input = { resourceArn: route.resourceArn };
    validateInput(OPERATIONS[route.operation]!.input, input);
    const output = await emu.run(() => HANDLERS[route.operation]!(emu, input));
    sendJson(res, 200, output);
  }

  // Connections waiting for a request (new ones, and kept-alive ones between requests), oldest first.
  // Beyond MAX_IDLE_CONNECTIONS the oldest is closed, so a flood of idle sockets cannot crowd clients out.
  const idle = new Set<Socket>();
  const markIdle = (socket: Socket): void => {
    if (socket.destroyed) return;
    idle.add(socket);
    if (idle.size > MAX_IDLE_CONNECTIONS) {
      const oldest = idle.values().next().value!;
      idle.delete(oldest);
      oldest.destroy();
    }
  };

  server = createServer(
    // Idle or slow connections do not hold a socket for long: headers within 10 s, a whole request
    // within 30 s, 30 s between kept-alive requests (checked every second). A request without a Host
    // header reaches the handler, which refuses it in JSON (Node's own refusal has no body).
    { keepAliveTimeout: 30_000, headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, requireHostHeader: false },
    (req, res) => {
      idle.delete(req.socket);
      res.once('finish', () => markIdle(req.socket));
      handle(req, res).catch((error: unknown) => {
        const apiError = asApiError(error, log);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const surface: Surface = (req.url ?? '').startsWith(ADMIN_PREFIX) ? 'admin' : 'api';
        // A refused or oversized body is left unread, so this connection cannot carry another request.
        const unread = apiError.status === 413 || !req.complete;
        sendError(res, apiError, unread ? { Connection: 'close' } : undefined, surface);
      });
    },
  );
  server.on('connection', (socket: Socket) => {
    socket.once('close', () => idle.delete(socket));
    markIdle(socket);
  });
  // Node's own replies, made JSON with a type like every other: malformed or oversized requests, slow
  // senders, unsupported expectations and CONNECT.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const [status, reason, type, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'RequestHeaderFieldsTooLargeException', 'the request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'RequestTimeoutException', 'the request was not received in time']
          : [400, 'Bad Request', 'SerializationException', `malformed HTTP request (${error.code ?? 'parse error'})`];
    socket.end(rawErrorReply(status, reason, new ApiError(type, message, status)));
  });
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    sendError(res, new ApiError('ExpectationFailedException', 'only Expect: 100-continue is supported', 417), { Connection: 'close' });
  });
  // The stage event channel (events/stage-socket.ts): WebSockets at /<topic>.
  const sockets = new StageSockets(emu, bus, hostCheck);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A WebSocket is not an idle HTTP connection: the oldest-idle rule must not close it.
    idle.delete(socket as Socket);
    try {
      sockets.upgrade(req, socket, head);
    } catch (error) {
      log(`internal error in a WebSocket handshake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      socket.destroy();
    }
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(rawErrorReply(405, 'Method Not Allowed', new ApiError('MethodNotAllowedException', 'CONNECT is not supported', 405)));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await emu.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  rememberInProcess(url, adminSecret);
  whip = new WhipIngest(emu, url, options.mediaLimits, options.s3Dir);
  emu.whipBase = `${url}/whip`;
  renderer = renderCompositions(emu, { liveDir: () => mkdtempSync(join(tmpdir(), 'ivsrt-compositions-')), s3Dir: options.s3Dir });
  log(`emulator listening on ${url}${options.dataDir ? ` (data: ${options.dataDir})` : ' (memory only)'}`);

  function close(): Promise<void> {
    stopping ??= (async () => {
      // Ends the event streams and sockets, which would otherwise hold the server open.
      sockets.close();
      bus.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
      await renderer?.close();
      await whip?.close();
      await emu.close();
      forgetInProcess(url);
      markClosed();
    })();
    return stopping;
  }

  return { url, port, host, dataDir: options.dataDir, emulator: emu, adminSecret, adminSigned: auth.required, throttle, closed, close };
}


