// The emulator's HTTP front: plain node:http with keep-alive. It reads the body, finds the operation,
// checks the signature, validates the input against the model, runs the handler (whose changes go
// through Emulator.mutate), waits for their commit, and replies; anything unexpected becomes a 500
// InternalServerException and the server carries on. Besides the API it routes the emulator's own
// /_ivsrt/ routes, the media routes (WHIP, subscribe), the playback and open pages and the stage sockets.
// It makes none of what it routes to: src/emulator/assemble.ts hands it the parts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { OPERATIONS } from '../../model/api.js';
import { ADMIN_PREFIX } from './admin-contract.js';
import { ADMIN_ROUTES, type AdminControl } from './admin.js';
import { ADMIN_SECRET_HEADER, secretMatches } from './admin-secret.js';
import type { Emulator } from '../domain/emulator.js';
import type { EventBus } from '../eventbridge/bus.js';
import { isStreamed } from './event-stream.js';
import { StageSockets } from './stage-socket.js';
import { accessDenied, ApiError } from '../state/errors.js';
import type { HostCheck } from './host-check.js';
import { Launches, OPEN_PREFIX, serveOpenPage } from './open/serve.js';
import { HANDLERS } from './handlers/index.js';
import { queryList, resolveRoute } from './router.js';
import type { Authenticator } from './sigv4.js';
import type { Throttle } from './throttle.js';
import { TokenError } from '../domain/tokens.js';
import { validateInput } from '../domain/validation.js';
import type { WhipMedia } from '../media/whip/ingest.js';
import { servePlayback } from './playback.js';
import { handleWhip, isWhipPath } from './whip-routes.js';
import { PLAYBACK_PREFIX } from '../media/composition/output.js';
import type { CompositionRenderer } from '../media/composition/renderer.js';
import { rawErrorReply, sendError, sendJson, type Surface } from './wire.js';

const MAX_BODY_BYTES = 1024 * 1024;
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

// JSON is UTF-8 (RFC 8259). A lenient decode would turn bytes that are not UTF-8 (a client writing
// Latin-1, say) into U+FFFD, and the emulator would then store and acknowledge text it was never sent.
// A BOM is left in, so JSON.parse refuses it as before.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    throw new ApiError('SerializationException', 'the request body is not valid UTF-8', 400);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('SerializationException', 'the request body is not valid JSON', 400);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('SerializationException', 'the request body must be a JSON object', 400);
  }
  return value as Record<string, unknown>;
}

/** Headers that only carry an upgrade offer. */
const UPGRADE_OFFER_HEADERS = new Set(['upgrade', 'http2-settings']);

/**
 * The request's bytes as received (start line, headers, the body read so far), without its upgrade
 * offer: no Upgrade or HTTP2-Settings header, and Connection without the tokens naming them.
 */
function withoutUpgradeOffer(req: IncomingMessage, head: Buffer): Buffer {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    let value = req.rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (UPGRADE_OFFER_HEADERS.has(lower)) continue;
    if (lower === 'connection') {
      value = value.split(',').map((token) => token.trim()).filter((token) => token && !UPGRADE_OFFER_HEADERS.has(token.toLowerCase())).join(', ');
      if (!value) continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]);
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

/** What the front routes requests to. */
interface FrontParts {
  emu: Emulator;
  bus: EventBus;
  /** SigV4: of every API request, and of the admin routes when the emulator has credentials. */
  auth: Authenticator;
  hostCheck: HostCheck;
  throttle?: Throttle;
  /** What the /_ivsrt/ routes demand in the x-ivsrt-admin-secret header. */
  adminSecret: string;
  /** What the admin routes do to the whole emulator (status, reset, shutdown). */
  control: AdminControl;
  log: (line: string) => void;
}

/** The media the front routes to, made once it listens (their URLs name it). */
interface FrontMedia {
  whip: WhipMedia;
  renderer: CompositionRenderer;
}

interface HttpFront {
  /** Listens on `host:port` (0: any free port); resolves with the base URL and the port. */
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** From now on, the media routes go to `media`. */
  mount(media: FrontMedia): void;
  /** Ends the stage sockets, which would otherwise hold the server open. */
  endSockets(): void;
  /** Stops listening and ends the connections (idle ones at once, the rest within a second). */
  close(): Promise<void>;
}

/** The server could not listen on host:port: the address or port cannot be used here (`code` says why). */
export class ListenError extends Error {
  /** The OS's reason: EADDRINUSE, EADDRNOTAVAIL, EACCES, ENOTFOUND (a name that does not resolve), ... */
  readonly code: string;

  constructor(
    readonly host: string,
    readonly port: number,
    cause: NodeJS.ErrnoException,
  ) {
    const code = cause.code ?? 'EUNKNOWN';
    super(`cannot listen on ${host}:${port}: ${LISTEN_REASONS[code] ?? cause.message} (${code})`, { cause });
    this.name = 'ListenError';
    this.code = code;
  }
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  ENOTFOUND: 'the name does not resolve to an address',
  EAI_AGAIN: 'the name could not be resolved (DNS did not answer)',
};

export function createFront(parts: FrontParts): HttpFront {
  const { emu, bus, auth, hostCheck, throttle, adminSecret, control, log } = parts;
  let media: FrontMedia | undefined;
  const launches = new Launches();

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
    if (path.startsWith(PLAYBACK_PREFIX)) return servePlayback(media?.renderer, req, res, path);
    if (path === '/open' || path.startsWith(OPEN_PREFIX)) return serveOpenPage(req, res, path === '/open' ? OPEN_PREFIX : path, query, launches);
    const body = await readBody(req);
    if (isWhipPath(path)) return handleWhip(emu, media!.whip, req, res, path, body);
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

  const server = createServer(
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
  // The stage event channel (stage-socket.ts): WebSockets at /<topic>.
  const sockets = new StageSockets(emu, bus, hostCheck);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands every request offering an upgrade here, but only WebSocket is taken. Any other offer
    // (curl --http2 and Java's HttpClient send `Upgrade: h2c` on http:// URLs) is declined, as HTTP
    // allows (RFC 9110 section 7.8), by serving the request itself over HTTP/1.1: it goes back to the
    // server without the offer.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.unshift(withoutUpgradeOffer(req, head));
      server.emit('connection', socket);
      return;
    }
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

  return {
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        const refused = (error: NodeJS.ErrnoException): void => reject(new ListenError(host, port, error));
        server.once('error', refused);
        server.listen(port, host, () => {
          // Listening: a later server error is not a failure to listen, and must not be swallowed here.
          server.off('error', refused);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
    },
    mount(made) {
      media = made;
    },
    endSockets() {
      sockets.close();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
    },
  };
}
