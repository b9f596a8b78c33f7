// The RTP packets of an H.264 stream since its last key frame, so that a decoder which starts mid-stream
// can be handed a key frame at once instead of waiting for the publisher's next one. The composition
// renderer starts a new ffmpeg at every re-layout (src/emulator/media/composition/renderer.ts); without
// this, ffmpeg waits for each input's next key frame, and `ivsrt publish` keys every 1-2 s and ignores PLI.
//
// Replayed, the group of pictures is squashed in time: its pictures keep their order and sequence numbers
// but take consecutive RTP timestamps (1/90000 s apart) ending at the newest picture's own timestamp. The
// decoder gets every picture it needs to decode the newest one, and the stream's timeline starts now, in
// step with its audio and the packets that follow live, instead of one group of pictures in the past.
import { beginsKeyframe } from './h264.js';
import { parseRtp } from './rtp.js';

/**
 * A group of pictures longer than this is not kept (about 6 s at 800 kbit/s, 2 s at 2.5 Mbit/s): a
 * publisher that keys only on request (browsers) is asked for a key frame instead, and a replay stays short
 * enough to decode at once.
 */
export const MAX_GOP_PACKETS = 600;

export class LastGop {
  /** Copies of the packets since the last key frame; empty while there is none (or it grew too long). */
  private packets: Uint8Array[] = [];
  /** The RTP timestamp of the newest picture seen, and where its packets begin in `packets`. */
  private pictureTimestamp: number | undefined;
  private pictureStart = 0;

  /** A packet of the stream as it arrives (RTCP and anything that is not RTP are ignored). */
  push(data: Uint8Array): void {
    const rtp = parseRtp(data);
    if (!rtp) return;
    if (rtp.timestamp !== this.pictureTimestamp) {
      this.pictureTimestamp = rtp.timestamp;
      this.pictureStart = this.packets.length;
    }
    // A key frame's parameter sets and its IDR slices share a timestamp: the group starts at the first of them.
    if (beginsKeyframe(data) && !(this.pictureStart === 0 && this.packets.length > 0)) {
      this.packets = this.packets.slice(this.pictureStart);
      this.pictureStart = 0;
      this.packets.push(Uint8Array.from(data));
      return;
    }
    if (this.packets.length === 0) return; // no key frame yet to start from
    if (this.packets.length >= MAX_GOP_PACKETS) {
      this.packets = [];
      this.pictureStart = 0;
      return;
    }
    this.packets.push(Uint8Array.from(data));
  }

  /** The group of pictures to send a new decoder first, squashed in time (see above); empty when none is kept. */
  replay(): Uint8Array[] {
    if (this.packets.length === 0) return [];
    const timestamps: number[] = [];
    for (const packet of this.packets) {
      const t = timestampOf(packet);
      if (timestamps[timestamps.length - 1] !== t) timestamps.push(t);
    }
    const newest = timestamps[timestamps.length - 1]!;
    let picture = -1;
    let previous: number | undefined;
    return this.packets.map((packet) => {
      const t = timestampOf(packet);
      if (t !== previous) {
        picture++;
        previous = t;
      }
      const copy = Uint8Array.from(packet);
      new DataView(copy.buffer).setUint32(4, (newest - (timestamps.length - 1 - picture)) >>> 0);
      return copy;
    });
  }
}

const timestampOf = (packet: Uint8Array): number => new DataView(packet.buffer, packet.byteOffset).getUint32(4);
