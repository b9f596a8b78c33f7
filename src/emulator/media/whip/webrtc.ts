// What the emulator's two media engines share (WHIP publish, ingest.ts; subscribe, subscribe.ts): their
// refusals, the offer's media sections they read, and libdatachannel (node-datachannel), loaded once, when the first offer arrives. Their HTTP
// routes are the front's (src/emulator/http/whip-routes.ts).
import type { PeerConnection } from 'node-datachannel';
import type { Emulator } from '../../domain/emulator.js';
import { offeredMedia, type OfferedMedia } from './sdp.js';

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

/** The offer's audio and video sections; refused (400) when it has neither. */
export function offeredAudioVideo(offer: string): OfferedMedia[] {
  const media = offeredMedia(offer).filter((m) => m.kind === 'audio' || m.kind === 'video');
  if (media.length === 0) throw new WhipError(400, 'the offer has no audio or video section');
  return media;
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
