// The RTP packets of an H.264 stream since its last key frame, so that a decoder which starts mid-stream
// can be handed a key frame at once instead of waiting for the publisher's next one. The composition
// renderer starts a new ffmpeg at every re-layout (src/emulator/media/composition/renderer.ts); without
// this, ffmpeg waits for each input's next key frame, and `ivsrt publish` keys every 1-2 s and ignores PLI.
//
// Replayed, the group of pictures is squashed in time: its pictures keep their order and sequence numbers
// but take consecutive RTP timestamps (1/90000 s apart) ending at the newest picture's own timestamp. The
// decoder gets every picture it needs to decode the newest one, and the stream's timeline starts now, in
// step with its audio and the packets that follow live, instead of one group of pictures in the past.
import { payloadBeginsKeyframe } from './h264.js';
import { parseRtp, type RtpPacket } from './rtp.js';

/**
 * A group of pictures longer than this is not kept (about 6 s at 800 kbit/s, 2 s at 2.5 Mbit/s): a
 * publisher that keys only on request (browsers) is asked for a key frame instead, and a replay stays short
 * enough to decode at once.
 */
export const MAX_GOP_PACKETS = 600;

interface Kept {
  /** A copy of the packet as it arrived. */
  data: Uint8Array;
  /** Its RTP timestamp, read once as it arrived. */
  timestamp: number;
}

export class LastGop {
  /** The packets since the last key frame; empty while there is none (or it grew too long). */
  private packets: Kept[] = [];
  /** The RTP timestamp of the newest picture seen, and where its packets begin in `packets`. */
  private pictureTimestamp: number | undefined;
  private pictureStart = 0;

  /**
   * A packet of the stream as it arrives (RTCP and anything that is not RTP are ignored), with its RTP
   * header if the caller has parsed it already (else it is parsed here).
   */
  push(data: Uint8Array, rtp: RtpPacket | undefined = parseRtp(data)): void {
    if (!rtp) return;
    const { timestamp } = rtp;
    if (timestamp !== this.pictureTimestamp) {
      this.pictureTimestamp = timestamp;
      this.pictureStart = this.packets.length;
    }
    // A key frame's parameter sets and its IDR slices share a timestamp: the group starts at the first of them.
    if (payloadBeginsKeyframe(rtp.payload) && !(this.pictureStart === 0 && this.packets.length > 0)) {
      this.packets = this.packets.slice(this.pictureStart);
      this.pictureStart = 0;
      this.packets.push({ data: Uint8Array.from(data), timestamp });
      return;
    }
    if (this.packets.length === 0) return; // no key frame yet to start from
    if (this.packets.length >= MAX_GOP_PACKETS) {
      this.packets = [];
      this.pictureStart = 0;
      return;
    }
    this.packets.push({ data: Uint8Array.from(data), timestamp });
  }

  /** The group of pictures to send a new decoder first, squashed in time (see above); empty when none is kept. */
  replay(): Uint8Array[] {
    const last = this.packets[this.packets.length - 1];
    if (!last) return [];
    let pictures = 0;
    this.packets.forEach((p, i) => {
      if (i === 0 || p.timestamp !== this.packets[i - 1]!.timestamp) pictures++;
    });
    let picture = -1;
    let previous: number | undefined;
    return this.packets.map(({ data, timestamp }) => {
      if (timestamp !== previous) {
        picture++;
        previous = timestamp;
      }
      const copy = Uint8Array.from(data);
      new DataView(copy.buffer).setUint32(4, (last.timestamp - (pictures - 1 - picture)) >>> 0);
      return copy;
    });
  }
}
