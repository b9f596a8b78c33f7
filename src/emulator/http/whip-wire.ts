// The wire of the emulator's media routes (WHIP publish, subscribe, the participants roster): the reply
// they make, the Bearer credential, the SDP offer and CORS.
import type { IncomingMessage } from 'node:http';
import { isSdp } from '../media/whip/sdp.js';
import { WhipError } from '../media/whip/webrtc.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** A page on another origin may post offers and end sessions (the Web Broadcast SDK does, from the browser). */
export const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'OPTIONS, POST, DELETE',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Expose-Headers': 'Location',
};

export function bearer(req: IncomingMessage): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new WhipError(401, 'a WHIP request needs "Authorization: Bearer <participant token>"', { 'WWW-Authenticate': 'Bearer' });
  return match[1]!;
}

/** The offer in a POST: application/sdp, an SDP with media (RFC 9725 §4.2). */
export function sdpOffer(req: IncomingMessage, body: Buffer): string {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/sdp') throw new WhipError(415, `the offer must be Content-Type application/sdp, not "${type || '(none)'}"`, { 'Accept-Post': 'application/sdp' });
  const offer = body.toString('utf8');
  if (!isSdp(offer)) throw new WhipError(400, 'the body is not an SDP offer with media (RFC 8866)');
  return offer;
}
