// What the emulator's two media routes share (WHIP publish, ingest.ts; subscribe, subscribe.ts): the HTTP
// reply they make, their errors, the Bearer credential, CORS, and libdatachannel (node-datachannel), loaded
// once, when the first offer arrives.
import type { IncomingMessage } from 'node:http';
import type { PeerConnection } from 'node-datachannel';
import type { Emulator } from '../../domain/emulator.js';
import { isSdp } from './sdp.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export class WhipError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The service's error code, for a route that answers JSON (subscribe). */
    readonly code?: string,
  ) {
    super(message);
  }
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

type Datachannel = typeof import('node-datachannel');
let datachannel: Promise<Datachannel> | undefined;

/** node-datachannel, loaded on first use with its log going to the emulator's. */
export function loadDatachannel(emu: Emulator): Promise<Datachannel> {
  return (datachannel ??= import('node-datachannel').then((m) => {
    m.initLogger('Error', (_level, message) => emu.log(`webrtc: ${message}`));
    return m;
  }));
}

/** Releases libdatachannel's threads, if it was ever loaded. */
export async function releaseDatachannel(): Promise<void> {
  if (datachannel) (await datachannel).cleanup();
}

const GATHERING_TIMEOUT_MS = 5_000;

/**
 * Applies the client's offer and waits until every local candidate is gathered, so the answer carries them
 * all (no trickle ICE). The offer is read with `a=setup:active` (sdp.ts asDtlsServer) by the caller.
 */
export async function answerOffer(pc: PeerConnection, offer: string): Promise<void> {
  const gathered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ICE candidate gathering did not complete')), GATHERING_TIMEOUT_MS);
    pc.onGatheringStateChange((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
  gathered.catch(() => {});
  pc.setRemoteDescription(offer, 'offer');
  if (pc.gatheringState() !== 'complete') await gathered;
}
