// What the emulator's two media engines share (WHIP publish, ingest.ts; subscribe, subscribe.ts): their
// refusals, and libdatachannel (node-datachannel), loaded once, when the first offer arrives. Their HTTP
// routes are the front's (src/emulator/http/whip-routes.ts).
import type { PeerConnection } from 'node-datachannel';
import type { Emulator } from '../../domain/emulator.js';

/** A refusal, with the HTTP status (and headers, and for the JSON routes the service's error code) it is answered with. */
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

/** What a media engine answers an offer with: its session's URL (the Location) and the SDP answer. */
export interface WhipAnswer {
  sessionUrl: string;
  sdp: string;
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
