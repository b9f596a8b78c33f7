// The media routes under /whip: WHIP publish (RFC 9725) at the endpoint and at `<whip_url>/publish/<id>`,
// subscribe at `<whip_url>/subscribe/<id>` (behaviour reference §13), DELETE on a session's Location, and
// the participants roster (whip-roster.ts). This reads the request (method, Bearer token, SDP offer) and
// writes the reply (status, SDP answer, Location, errors); the media engine (media/whip/ingest.ts) does the
// rest through WhipMedia. Each answer goes out once what it changed is durable (Emulator.run), as the API's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../domain/emulator.js';
import { TokenError, tokenErrorCode } from '../domain/tokens.js';
import { SESSION_PREFIX, WHIP_PREFIX, type WhipMedia } from '../media/whip/ingest.js';
import { WhipError, type WhipAnswer } from '../media/whip/webrtc.js';
import { ApiError } from '../state/errors.js';
import { ROSTER_ROUTE, rosterReply } from './whip-roster.js';
import { bearer, CORS, sdpOffer, type Reply } from './whip-wire.js';

/** `<whip_url>/publish/<participantId>` and `<whip_url>/subscribe/<participantId>` (behaviour reference §13). */
const PARTICIPANT_ROUTE = /^\/whip\/([^/]+)\/(publish|subscribe)\/([^/]+)$/;

export function isWhipPath(path: string): boolean {
  return path === WHIP_PREFIX || path.startsWith(`${WHIP_PREFIX}/`);
}

/** Answers a request under /whip. */
export async function handleWhip(emu: Emulator, media: WhipMedia, req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
  let answer: Reply;
  const route = PARTICIPANT_ROUTE.exec(path);
  const sessionId = path.startsWith(SESSION_PREFIX) ? path.slice(SESSION_PREFIX.length) : undefined;
  const roster = ROSTER_ROUTE.exec(path);
  // The subscribe and participants routes answer errors in JSON with the service's error code; WHIP publishing, in text.
  const json = route?.[2] === 'subscribe' || roster !== null || (sessionId !== undefined && media.sessionKind(sessionId) === 'subscribe');
  try {
    answer = await emu.run(() => {
      if (roster) return rosterReply(emu, req, roster[1]!, (p) => media.onWebRtc(p));
      if (sessionId !== undefined) return onSession(media, req, sessionId);
      // A WHIP publish at the endpoint itself (RFC 9725), or at `<whip_url>/publish/<participantId>` naming the token's participant.
      if (!route) return onOffer(req, body, 'WHIP', (token, offer) => media.publish(path.slice(WHIP_PREFIX.length + 1), token, offer));
      const [, host, verb, participantId] = route as unknown as [string, string, string, string];
      const named = decodeURIComponent(participantId);
      if (verb === 'subscribe') return onOffer(req, body, 'subscribe', (token, offer) => media.subscribe(host, token, offer, named));
      return onOffer(req, body, 'WHIP', (token, offer) => media.publish(host, token, offer, named));
    });
  } catch (error) {
    const e = asWhipError(emu, error);
    answer = json
      ? { status: e.status, headers: { 'Content-Type': 'application/json', ...e.headers }, body: `${JSON.stringify({ code: e.code ?? httpCode(e.status), message: e.message })}\n` }
      : { status: e.status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...e.headers }, body: `${e.message}\n` };
  }
  res.writeHead(answer.status, { ...CORS, ...answer.headers });
  res.end(answer.body);
}

const POST_ALLOW = 'OPTIONS, POST';

/**
 * An endpoint that takes offers (publish or subscribe): its preflight, or the POSTed offer (Bearer token,
 * SDP) handed to `answer`, whose session is 201 with the SDP answer and the session's Location (exposed to
 * pages by CORS). Any other method is refused.
 */
async function onOffer(req: IncomingMessage, body: Buffer, endpoint: string, answer: (token: string, offer: string) => Promise<WhipAnswer>): Promise<Reply> {
  if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: POST_ALLOW, 'Accept-Post': 'application/sdp' } };
  if (req.method !== 'POST') throw new WhipError(405, `the ${endpoint} endpoint takes POST, not ${req.method}`, { Allow: POST_ALLOW });
  const token = bearer(req);
  const session = await answer(token, sdpOffer(req, body));
  return { status: 201, headers: { 'Content-Type': 'application/sdp', Location: session.sessionUrl }, body: session.sdp };
}

/** OPTIONS or DELETE on a session's Location: a WHIP publish's or a subscription's. */
function onSession(media: WhipMedia, req: IncomingMessage, id: string): Reply {
  const allow = 'OPTIONS, DELETE';
  const kind = media.sessionKind(id);
  if (!kind) throw new WhipError(404, `no WHIP session ${id.slice(0, 64)} (ended, or never created)`);
  if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: allow } };
  const what = kind === 'subscribe' ? 'subscription' : 'session';
  // No trickle ICE or ICE restart: the answer carries every candidate, so PATCH is not offered (RFC 9725 §4.3).
  if (req.method !== 'DELETE') throw new WhipError(405, `${kind === 'subscribe' ? 'a subscription' : 'a WHIP session'} takes DELETE, not ${req.method}`, { Allow: allow });
  if (!media.endSession(id, bearer(req))) throw new WhipError(401, `the Bearer token is not the one this ${what} was created with`, { 'WWW-Authenticate': 'Bearer' });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${what} ended\n` };
}

function asWhipError(emu: Emulator, error: unknown): WhipError {
  if (error instanceof WhipError) return error;
  if (error instanceof TokenError) {
    const status = error.reason === 'revoked' || error.reason === 'expired' ? 403 : 401;
    const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {};
    return new WhipError(status, `${error.reason}: ${error.message}`, headers, tokenErrorCode(error.reason));
  }
  if (error instanceof ApiError) return new WhipError(error.status, error.message);
  emu.log(`whip: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new WhipError(500, 'the emulator hit an unexpected error; see its log');
}

/** An error code for the JSON body when the refusal is not one of the service's (HTTP status as a word). */
function httpCode(status: number): string {
  return ({ 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 409: 'CONFLICT', 415: 'UNSUPPORTED_MEDIA_TYPE' } as Record<number, string>)[status] ?? 'INTERNAL_SERVER_EXCEPTION';
}
