// What ivsrt reads from the H.264 it receives (the emulator from publishers, `ivsrt subscribe` from a
// stage): the NAL units inside RTP payloads (RFC 6184) and the picture size in a sequence parameter set
// (ITU-T H.264 §7.3.2.1.1). No maintained npm package parses
// an SPS on its own, so this is the small Exp-Golomb reader the standard describes.

export const NAL_SPS = 7;
export const NAL_IDR = 5;
const STAP_A = 24;
const FU_A = 28;

/**
 * The NAL unit types that begin in one RTP payload (single NAL, STAP-A aggregates, the first fragment of
 * an FU-A), with the complete units where the payload holds them whole (for the SPS).
 */
export function nalUnits(payload: Uint8Array): { type: number; unit?: Uint8Array }[] {
  if (payload.length < 1) return [];
  const type = payload[0]! & 0x1f;
  if (type >= 1 && type <= 23) return [{ type, unit: payload }];
  if (type === STAP_A) {
    const out: { type: number; unit?: Uint8Array }[] = [];
    let i = 1;
    while (i + 2 <= payload.length) {
      const size = (payload[i]! << 8) | payload[i + 1]!;
      i += 2;
      if (size === 0 || i + size > payload.length) break;
      const unit = payload.subarray(i, i + size);
      out.push({ type: unit[0]! & 0x1f, unit });
      i += size;
    }
    return out;
  }
  if (type === FU_A && payload.length >= 2 && payload[1]! & 0x80) return [{ type: payload[1]! & 0x1f }];
  return [];
}

/** Whether the payload of an H.264 RTP packet begins a key frame: its parameter sets (SPS) or the start of an IDR picture. */
export function payloadBeginsKeyframe(payload: Uint8Array): boolean {
  return nalUnits(payload).some((n) => n.type === NAL_SPS || n.type === NAL_IDR);
}

class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Uint8Array) {}

  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined) throw new RangeError('SPS ends early');
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new RangeError('Exp-Golomb code longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** Drops emulation-prevention bytes (0x000003 → 0x0000) to get the raw byte sequence payload. */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

export interface SpsInfo {
  profileIdc: number;
  levelIdc: number;
  width: number;
  height: number;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Picture size from an SPS NAL unit (with its one-byte header), cropping applied. */
export function parseSps(nal: Uint8Array): SpsInfo {
  if ((nal[0]! & 0x1f) !== NAL_SPS) throw new RangeError('not an SPS NAL unit');
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.u(8);
  r.u(8); // constraint flags and reserved bits
  const levelIdc = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc === 3) separateColourPlane = r.u(1);
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1)) {
      for (let i = 0; i < (chromaFormatIdc === 3 ? 12 : 8); i++) if (r.u(1)) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) {
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (pocType === 1) {
    r.u(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (!frameMbsOnly) r.u(1); // mb_adaptive_frame_field_flag
  r.u(1); // direct_8x8_inference_flag
  let width = widthInMbs * 16;
  let height = (2 - frameMbsOnly) * heightInMapUnits * 16;
  if (r.u(1)) {
    // frame_cropping_flag: offsets are in chroma sample units (Table 6-1).
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    const monochrome = chromaFormatIdc === 0 || separateColourPlane === 1;
    const cropX = monochrome ? 1 : chromaFormatIdc === 3 ? 1 : 2;
    const cropY = (monochrome ? 1 : chromaFormatIdc === 1 ? 2 : 1) * (2 - frameMbsOnly);
    width -= (left + right) * cropX;
    height -= (top + bottom) * cropY;
  }
  return { profileIdc, levelIdc, width, height };
}
