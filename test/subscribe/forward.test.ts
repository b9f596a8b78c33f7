// The forwarder's packet work, as pure functions: an RTP packet rewritten for one subscriber, and the
// RTCP that asks for a key frame.
import { describe, expect, it } from 'vitest';
import { asksForKeyframe, rtpRewriter } from '../../src/emulator/media/whip/forward.js';

/** An RTP packet: V=2, optional CSRCs and header extension, marker, payload type, seq 0x1234, ts, SSRC 0xdeadbeef. */
function rtp({ marker = false, pt = 96, csrcs = 0, extensionWords = 0, payload = [1, 2, 3] } = {}): Buffer {
  const header = Buffer.alloc(12 + csrcs * 4);
  header[0] = 0x80 | (extensionWords ? 0x10 : 0) | csrcs;
  header[1] = (marker ? 0x80 : 0) | pt;
  header.writeUInt16BE(0x1234, 2);
  header.writeUInt32BE(90_000, 4);
  header.writeUInt32BE(0xdeadbeef, 8);
  for (let i = 0; i < csrcs; i++) header.writeUInt32BE(100 + i, 12 + i * 4);
  const extension = extensionWords ? Buffer.alloc(4 + extensionWords * 4, 0xee) : Buffer.alloc(0);
  if (extensionWords) {
    extension.writeUInt16BE(0xbede, 0);
    extension.writeUInt16BE(extensionWords, 2);
  }
  return Buffer.concat([header, extension, Buffer.from(payload)]);
}

/** `packet` rewritten for one subscriber, or undefined where rtpRewriter refuses it. */
const rewriteRtp = (packet: Buffer, ssrc: number, payloadType: number): Buffer | undefined => rtpRewriter(packet)?.(ssrc, payloadType);

describe('rtpRewriter', () => {
  it('replaces SSRC and payload type, keeps marker, sequence number, timestamp, CSRCs and payload', () => {
    const out = rewriteRtp(rtp({ marker: true, pt: 96, csrcs: 2 }), 0x01020304, 102)!;
    expect(out[0]).toBe(0x82);
    expect(out[1]).toBe(0x80 | 102);
    expect(out.readUInt16BE(2)).toBe(0x1234);
    expect(out.readUInt32BE(4)).toBe(90_000);
    expect(out.readUInt32BE(8)).toBe(0x01020304);
    expect([out.readUInt32BE(12), out.readUInt32BE(16)]).toEqual([100, 101]);
    expect([...out.subarray(20)]).toEqual([1, 2, 3]);
  });

  it("drops the publisher's header extensions (their ids are not the subscriber's) and clears the X bit", () => {
    const out = rewriteRtp(rtp({ extensionWords: 2, payload: [9, 8] }), 7, 111)!;
    expect(out[0]! & 0x10).toBe(0);
    expect(out.length).toBe(12 + 2);
    expect([...out.subarray(12)]).toEqual([9, 8]);
    expect(out[1]).toBe(111);
  });

  it('makes each subscriber its own copy from one reading of the header, leaving the packet as it was', () => {
    const packet = rtp({ marker: true, extensionWords: 1 });
    const before = Buffer.from(packet);
    const rewrite = rtpRewriter(packet)!;
    const [a, b] = [rewrite(1, 100), rewrite(2, 101)];
    expect([a.readUInt32BE(8), a[1]]).toEqual([1, 0x80 | 100]);
    expect([b.readUInt32BE(8), b[1]]).toEqual([2, 0x80 | 101]);
    expect(packet.equals(before)).toBe(true);
  });

  it('leaves RTCP, short packets and other versions alone (undefined)', () => {
    const rtcp = Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 1]);
    expect(rewriteRtp(rtcp, 1, 96)).toBeUndefined();
    expect(rewriteRtp(Buffer.alloc(8), 1, 96)).toBeUndefined();
    const v1 = rtp();
    v1[0] = 0x40;
    expect(rewriteRtp(v1, 1, 96)).toBeUndefined();
    const truncated = rtp({ extensionWords: 4 }).subarray(0, 20);
    expect(rewriteRtp(truncated, 1, 96)).toBeUndefined();
  });
});

describe('asksForKeyframe', () => {
  const receiverReport = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 9]);
  const pli = Buffer.from([0x81, 206, 0, 2, 0, 0, 0, 9, 0, 0, 0, 7]);
  const fir = Buffer.from([0x84, 206, 0, 4, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0, 0, 0]);
  const nack = Buffer.from([0x81, 205, 0, 3, 0, 0, 0, 9, 0, 0, 0, 7, 0, 5, 0, 0]);

  it('finds a PLI or a FIR anywhere in a compound packet', () => {
    expect(asksForKeyframe(pli)).toBe(true);
    expect(asksForKeyframe(fir)).toBe(true);
    expect(asksForKeyframe(Buffer.concat([receiverReport, pli]))).toBe(true);
  });

  it('is false for reports and NACKs', () => {
    expect(asksForKeyframe(receiverReport)).toBe(false);
    expect(asksForKeyframe(Buffer.concat([receiverReport, nack]))).toBe(false);
  });
});
