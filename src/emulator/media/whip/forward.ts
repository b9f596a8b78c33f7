// The stage as an SFU: each WHIP publisher's RTP goes, as it arrives and without transcoding, to every
// subscription of that publisher, each packet rewritten to the SSRC and payload type that subscriber's
// answer named. Subscribers' keyframe requests (PLI, FIR) go upstream to the publisher as a PLI, as does a
// new subscription, so its first picture comes with the next key frame instead of the next periodic one.
import type { Track } from 'node-datachannel';
import { rtpLayout } from '../../../media/rtp.js';
import { participantKey } from '../../state/store.js';
import type { MediaKind, RtpSource, RtpSourceWatcher } from './rtp-source.js';

/** One subscriber's side of a kind of media: where rewritten packets go. */
export interface Sink {
  track: Track;
  ssrc: number;
  payloadType: number;
  /** RTP packets sent to this sink. */
  packets: number;
}

export interface Subscription {
  video?: Sink;
  audio?: Sink;
}

/** A publisher is asked for a key frame at most this often, however many subscribers ask. */
const KEYFRAME_REQUEST_INTERVAL_MS = 300;

/**
 * `packet` (RTP) as its subscribers receive it: a function making one subscriber's copy, its SSRC and payload
 * type replaced, the marker bit kept, and the header extensions dropped (their ids are the publisher's
 * negotiation, not the subscriber's). The header is read once, however many subscribers there are. Returns
 * undefined for RTCP and anything that is not RTP.
 */
export function rtpRewriter(packet: Uint8Array): ((ssrc: number, payloadType: number) => Buffer) | undefined {
  const layout = rtpLayout(packet);
  if (!layout) return undefined;
  const { csrcEnd, payloadStart } = layout;
  return (ssrc, payloadType) => {
    const out = Buffer.allocUnsafe(csrcEnd + packet.length - payloadStart);
    out.set(packet.subarray(0, csrcEnd), 0);
    out.set(packet.subarray(payloadStart), csrcEnd);
    out[0] = out[0]! & ~0x10;
    out[1] = (packet[1]! & 0x80) | (payloadType & 0x7f);
    out.writeUInt32BE(ssrc >>> 0, 8);
    return out;
  };
}

/** Whether a (compound) RTCP packet asks for a key frame: PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1). */
export function asksForKeyframe(rtcp: Uint8Array): boolean {
  let offset = 0;
  while (offset + 4 <= rtcp.length) {
    if (rtcp[offset]! >> 6 !== 2) return false;
    const fmt = rtcp[offset]! & 0x1f;
    const type = rtcp[offset + 1]!;
    if (type === 206 && (fmt === 1 || fmt === 4)) return true;
    offset += (((rtcp[offset + 2]! << 8) | rtcp[offset + 3]!) + 1) * 4;
  }
  return false;
}

/**
 * Watches the WHIP publishers (ingest.ts watchRtpSources) and hands each one's packets to its subscriptions.
 * A subscription may come before its publisher's media (a publisher still connecting) and waits for it.
 */
export class Forwarder implements RtpSourceWatcher {
  /** Publishers' media by participant key. */
  private readonly sources = new Map<string, { source: RtpSource; stop: () => void; lastKeyframeRequest: number; deferred?: NodeJS.Timeout }>();
  /** Subscriptions by their publisher's participant key. */
  private readonly subscriptions = new Map<string, Set<Subscription>>();

  constructor(private readonly now: () => number = Date.now) {}

  added(source: RtpSource): void {
    const key = participantKey({ sessionId: source.sessionId, id: source.participantId });
    const stop = source.listen((kind, packet) => this.forward(key, kind, packet));
    this.sources.set(key, { source, stop, lastKeyframeRequest: Number.NEGATIVE_INFINITY });
    if (this.subscriptions.get(key)?.size) this.requestKeyframe(key);
  }

  removed(source: RtpSource): void {
    const key = participantKey({ sessionId: source.sessionId, id: source.participantId });
    const entry = this.sources.get(key);
    entry?.stop();
    clearTimeout(entry?.deferred);
    this.sources.delete(key);
  }

  /** A packet from a publisher: each of its subscriptions gets it rewritten. */
  private forward(key: string, kind: MediaKind, packet: Uint8Array): void {
    const subscriptions = this.subscriptions.get(key);
    if (!subscriptions) return;
    const rewrite = rtpRewriter(packet);
    if (!rewrite) return; // RTCP from the publisher: its reports are about its own SSRCs
    for (const subscription of subscriptions) {
      const sink = subscription[kind];
      if (!sink || !sink.track.isOpen()) continue;
      try {
        sink.track.sendMessageBinary(rewrite(sink.ssrc, sink.payloadType));
        sink.packets++;
      } catch {
        // the subscriber's transport closed between isOpen() and the send; its session ends on its own
      }
    }
  }

  subscribe(key: string, subscription: Subscription): void {
    let set = this.subscriptions.get(key);
    if (!set) this.subscriptions.set(key, (set = new Set()));
    set.add(subscription);
  }

  unsubscribe(key: string, subscription: Subscription): void {
    const set = this.subscriptions.get(key);
    set?.delete(subscription);
    if (set?.size === 0) this.subscriptions.delete(key);
  }

  /**
   * Asks the publisher for a key frame (a PLI). Requests within a few hundred ms of the last become one,
   * sent when that time is up: a subscriber that arrives just after another still gets a key frame after
   * it connected, and a crowd arriving together costs the publisher one.
   */
  requestKeyframe(key: string): void {
    const entry = this.sources.get(key);
    if (!entry || entry.deferred) return;
    const wait = entry.lastKeyframeRequest + KEYFRAME_REQUEST_INTERVAL_MS - this.now();
    if (wait > 0) {
      entry.deferred = setTimeout(() => {
        entry.deferred = undefined;
        if (this.sources.get(key) === entry) this.requestKeyframe(key);
      }, wait);
      entry.deferred.unref();
      return;
    }
    entry.lastKeyframeRequest = this.now();
    entry.source.requestKeyframe();
  }
}
