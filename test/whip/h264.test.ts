// The SPS parser and RTP/NAL reading on real encoder output: SPS units from ffmpeg's libx264 across
// profiles, chroma formats and sizes that need cropping (360 and 1080 are not multiples of 16).
import { describe, expect, it } from 'vitest';
import { nalUnits, parseSps, unescapeRbsp } from '../../src/media/h264.js';
import { MediaMeter } from '../../src/emulator/media/whip/meter.js';
import { parseRtp } from '../../src/media/rtp.js';

// `ffmpeg -f lavfi -i testsrc=size=WxH -frames:v 1 -c:v libx264 -profile:v P -pix_fmt F -f h264 -`, NAL type 7.
const SPS: [string, string, number, number][] = [
  ['baseline 4:2:0', '6742c01ed900a02ff970110000030001000003003c0f162e48', 640, 360],
  ['high 4:2:0, cropped 1088 -> 1080', '67640028acd940780227e5c044000003000400000300f03c60c658', 1920, 1080],
  ['main 4:2:0', '674d401feca02802dd8088000003000800000301e078c18cb0', 1280, 720],
  ['high 4:4:4', '67f4001f919b281b07bc5f8088000003000800000301e078c18cb0', 854, 480],
  ['portrait baseline', '6742c01fd900b40a1b0110000003001000000303c0f1832480', 720, 1280],
  ['high 4:2:2', '677a000bbcd942c4ec0440000003004000000f03c50a6580', 176, 144],
];

describe('parseSps', () => {
  it.each(SPS)('%s: the picture size with cropping applied', (_name, hex, width, height) => {
    expect(parseSps(Buffer.from(hex, 'hex'))).toMatchObject({ width, height });
  });

  it('reads profile and level', () => {
    expect(parseSps(Buffer.from(SPS[1]![1], 'hex'))).toMatchObject({ profileIdc: 100, levelIdc: 40 });
  });

  it('refuses what is not an SPS, and an SPS cut short', () => {
    expect(() => parseSps(Buffer.from('65888', 'hex'))).toThrow(/not an SPS/);
    expect(() => parseSps(Buffer.from(SPS[0]![1].slice(0, 10), 'hex'))).toThrow(RangeError);
  });
});

describe('unescapeRbsp', () => {
  it('drops the emulation-prevention byte after two zeros, and only there', () => {
    expect([...unescapeRbsp(Uint8Array.from([1, 0, 0, 3, 1, 0, 3, 0, 0, 3]))]).toEqual([1, 0, 0, 1, 0, 3, 0, 0]);
  });
});

describe('nalUnits', () => {
  const sps = Buffer.from(SPS[0]![1], 'hex');
  const pps = Buffer.from('68ce3c80', 'hex');

  it('a single NAL unit payload', () => {
    expect(nalUnits(sps)).toEqual([{ type: 7, unit: sps }]);
  });

  it('STAP-A: every aggregated unit (how GStreamer sends SPS + PPS)', () => {
    const stap = Buffer.concat([Buffer.from([24, 0, sps.length]), sps, Buffer.from([0, pps.length]), pps]);
    expect(nalUnits(stap).map((n) => n.type)).toEqual([7, 8]);
    expect(Buffer.from(nalUnits(stap)[0]!.unit!).equals(sps)).toBe(true);
  });

  it('FU-A: the type of the unit a first fragment starts, nothing for later fragments', () => {
    expect(nalUnits(Uint8Array.from([0x7c, 0x85, 1, 2]))).toEqual([{ type: 5 }]);
    expect(nalUnits(Uint8Array.from([0x7c, 0x05, 1, 2]))).toEqual([]);
  });
});

function rtp(payloadType: number, timestamp: number, payload: Uint8Array, marker = false): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (marker ? 0x80 : 0) | payloadType;
  header.writeUInt32BE(timestamp, 4);
  return Buffer.concat([header, payload]);
}

describe('parseRtp', () => {
  it('skips CSRCs, the header extension and padding to reach the payload', () => {
    const ext = Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]);
    const packet = Buffer.concat([Buffer.from([0xb1, 96, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2]), ext, Buffer.from([7, 7, 0, 2])]);
    const parsed = parseRtp(packet)!;
    expect({ ...parsed, payload: [...parsed.payload] }).toEqual({ payloadType: 96, marker: false, sequenceNumber: 1, timestamp: 9, ssrc: 1, payload: [7, 7] });
  });

  it('leaves out RTCP (multiplexed on the same port) and anything too short', () => {
    expect(parseRtp(Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseRtp(Buffer.from([0x80, 96, 0]))).toBeUndefined();
  });
});

describe('MediaMeter', () => {
  it('bitrate from payload bytes, frame rate from distinct timestamps, size from the SPS, over whole seconds', () => {
    const meter = new MediaMeter(0);
    for (let second = 0; second < 3; second++) {
      for (let frame = 0; frame < 25; frame++) {
        const ts = (second * 25 + frame) * 3600;
        meter.video(parseRtp(rtp(96, ts, Buffer.alloc(500, 1)))!);
        meter.video(parseRtp(rtp(96, ts, Buffer.alloc(500, 1), true))!);
        meter.audio(parseRtp(rtp(111, ts, Buffer.alloc(100, 1)))!);
      }
      meter.tick((second + 1) * 1000);
    }
    expect(meter.video(parseRtp(rtp(96, 999_999, Buffer.from(SPS[2]![1], 'hex')))!)).toEqual({ width: 1280, height: 720 });
    expect(meter.video(parseRtp(rtp(96, 999_999, Buffer.from(SPS[2]![1], 'hex')))!)).toBeUndefined();
    expect(meter.stats()).toMatchObject({ videoBitrate: 25 * 1000 * 8, audioBitrate: 25 * 100 * 8, windowSeconds: 3, width: 1280, height: 720 });
  });
});
