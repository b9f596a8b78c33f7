// A WHIP publisher's media as other parts of the emulator consume it (a composition, the subscribe
// forwarder): the types WhipIngest.watchRtpSources() hands out, in a module of their own so that those
// consumers and ingest.ts do not import each other.
import type { RtpPacket } from '../../../media/rtp.js';
import type { PayloadTypes } from './recorder.js';

export type MediaKind = 'audio' | 'video';
/**
 * A packet as it arrived (`data`), with its RTP header parsed once where it entered (ingest.ts): `rtp` is
 * undefined for RTCP (which shares the port) and anything that is not RTP.
 */
export type RtpListener = (kind: MediaKind, data: Uint8Array, rtp: RtpPacket | undefined) => void;

/**
 * A WHIP publisher's media as it arrives (decrypted RTP, and RTCP on the same port), for whatever consumes
 * it besides the participant's own recording: a composition, a subscriber's forwarder.
 */
export interface RtpSource {
  readonly stageArn: string;
  readonly sessionId: string;
  readonly participantId: string;
  /** The payload types the answer kept (H.264 video, Opus audio), for a session description of the stream. */
  readonly payloadTypes: PayloadTypes;
  /** Calls `listener` with every packet from now on; returns what stops it. */
  listen(listener: RtpListener): () => void;
  /** Asks the publisher for a key frame (RTCP PLI), for a decoder that joins mid-stream. */
  requestKeyframe(): void;
}

/** Told of each WHIP publisher once it publishes (`added`) and once its session ends (`removed`). */
export interface RtpSourceWatcher {
  added(source: RtpSource): void;
  removed(source: RtpSource): void;
}

/** Where the WHIP publishers' media is watched from (the WhipIngest, handed to its consumers by assemble.ts). */
export interface RtpSources {
  /** Watches the publishers (those publishing already are `added` at once); returns what stops it. */
  watchRtpSources(watcher: RtpSourceWatcher): () => void;
}
