// Synthetic H.264 RTP, for a publisher that encodes nothing and so keeps any bitrate on a loaded machine:
// bench/subscribe.mjs's publisher and the download-cap test's (test/subscribe/clients.ts). Each frame is
// `packet`-byte FU-A fragments of one NAL unit (an IDR for a key frame, preceded by a STAP-A with a
// 1280x720 SPS and a PPS; otherwise a non-IDR slice), numbered and timed at `fps` on a 90 kHz clock.

const SPS_1280x720 = Buffer.from('674d401feca02802dd8088000003000800000301e078c18cb0', 'hex');
const PPS = Buffer.from('68ee3c80', 'hex');

/** A source of frames at `mbps`: next(key) returns the next frame's RTP packets; `frames` counts those made. */
export function syntheticH264({ mbps, fps = 30, packet = 1200, ssrc, payloadType = 96 }) {
  const packetsPerFrame = Math.max(1, Math.round((mbps * 1e6) / 8 / packet / fps));
  let seq = 0;
  let frames = 0;
  const rtp = (payload, marker) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | payloadType;
    header.writeUInt16BE(seq++ & 0xffff, 2);
    header.writeUInt32BE((frames * (90_000 / fps)) >>> 0, 4);
    header.writeUInt32BE(ssrc >>> 0, 8);
    return Buffer.concat([header, payload]);
  };
  return {
    packetsPerFrame,
    get frames() {
      return frames;
    },
    next(key) {
      const packets = [];
      if (key) packets.push(rtp(Buffer.concat([Buffer.from([24, 0, SPS_1280x720.length]), SPS_1280x720, Buffer.from([0, PPS.length]), PPS]), false));
      for (let i = 0; i < packetsPerFrame; i++) {
        const fuHeader = (i === 0 ? 0x80 : 0) | (i === packetsPerFrame - 1 ? 0x40 : 0) | (key ? 5 : 1);
        packets.push(rtp(Buffer.concat([Buffer.from([0x60 | 28, fuHeader]), Buffer.alloc(packet - 14, frames & 0xff)]), i === packetsPerFrame - 1));
      }
      frames++;
      return packets;
    },
  };
}
