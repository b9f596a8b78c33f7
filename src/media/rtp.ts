// The RTP header (RFC 3550 §5.1): read once as each WHIP publisher's packet arrives (the emulator's
// whip/ingest.ts, which hands it to the meter, the recorder and the composition renderer), and by
// `ivsrt subscribe`'s receiver.

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/**
 * Whether `data`, arriving where RTP and RTCP share a port, is RTCP: RFC 5761 §4 tells them apart by the
 * second byte, RTCP's packet type (192-223), which RTP leaves to the marker bit and payload types 64-95.
 */
export const isRtcp = (data: Uint8Array): boolean => data.length >= 2 && data[1]! >= 192 && data[1]! <= 223;

/** Where an RTP packet's parts start: the fixed header and its CSRCs end at `csrcEnd`, the payload starts at `payloadStart` (after any header extension). */
export interface RtpLayout {
  csrcEnd: number;
  payloadStart: number;
}

/** The layout of the RTP packet in `data`, or undefined for RTCP and anything malformed (RFC 3550 §5.1, RFC 5761 §4). */
export function rtpLayout(data: Uint8Array): RtpLayout | undefined {
  if (data.length < 12 || data[0]! >> 6 !== 2 || isRtcp(data)) return undefined;
  const csrcEnd = 12 + (data[0]! & 0x0f) * 4;
  let payloadStart = csrcEnd;
  if (data[0]! & 0x10) {
    if (data.length < csrcEnd + 4) return undefined;
    payloadStart += 4 + ((data[csrcEnd + 2]! << 8) | data[csrcEnd + 3]!) * 4;
  }
  return payloadStart > data.length ? undefined : { csrcEnd, payloadStart };
}

/** The RTP packet in `data`, or undefined for RTCP and anything malformed. */
export function parseRtp(data: Uint8Array): RtpPacket | undefined {
  const layout = rtpLayout(data);
  if (!layout) return undefined;
  let end = data.length;
  if (data[0]! & 0x20) end -= data[data.length - 1]!;
  if (layout.payloadStart > end) return undefined;
  const second = data[1]!;
  const timestamp = ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0;
  const ssrc = ((data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!) >>> 0;
  return { payloadType: second & 0x7f, marker: second >= 128, sequenceNumber: (data[2]! << 8) | data[3]!, timestamp, ssrc, payload: data.subarray(layout.payloadStart, end) };
}
