// Types of synthetic-h264.mjs, for the TypeScript tests that use it.
export interface SyntheticH264 {
  readonly packetsPerFrame: number;
  /** Frames made so far. */
  readonly frames: number;
  /** The next frame's RTP packets: a key frame (SPS, PPS, IDR) or not. */
  next(key: boolean): Buffer[];
}

export function syntheticH264(options: { mbps: number; fps?: number; packet?: number; ssrc: number; payloadType?: number }): SyntheticH264;
