// Where a composition's encoded output goes: one ffmpeg `tee` slave per running destination, so the
// picture is encoded once however many destinations there are.
// - The S3 destination: the composite recording (composite-recording.ts).
// - The channel destination (emulator-only: IVS channels are another service): live HLS, half-second MPEG-TS
//   segments in a sliding playlist, `live.m3u8`, served at <emulator>/playback/<compositionId>/live.m3u8.
//   A restart of the renderer (a new layout) appends to the same playlist after #EXT-X-DISCONTINUITY.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CompositeRecording } from './composite-recording.js';

/** Where the emulator serves the channel destination's live output (http/playback.ts). */
export const PLAYBACK_PREFIX = '/playback/';

const LIVE_PLAYLIST = 'live.m3u8';

/** The playback URL of a composition's live output on an emulator at `url`. */
export const playbackUrl = (url: string, compositionId: string): string => `${url}${PLAYBACK_PREFIX}${compositionId}/${LIVE_PLAYLIST}`;

/** Seconds per live segment (and between key frames): short, so a new layout reaches a player soon. */
export const LIVE_SEGMENT_SECONDS = 0.5;
/** Ten seconds of segments. */
const LIVE_LIST_SIZE = 20;

export interface LiveOutput {
  kind: 'live';
  dir: string;
  destinationId: string;
}

export interface RecordingOutput {
  kind: 'recording';
  recording: CompositeRecording;
  destinationId: string;
}

export type OutputTarget = LiveOutput | RecordingOutput;

/** One slave of ffmpeg's tee muxer: `[option=value:...]path` (the values hold no `:`, `|`, `[` or `]`). */
function slave(options: Record<string, string | number>, path: string): string {
  return `[${Object.entries(options).map(([k, v]) => `${k}=${v}`).join(':')}]${path}`;
}

function teeSlave(output: OutputTarget): string {
  if (output.kind === 'recording') {
    const { options, path } = output.recording.hlsSlave();
    mkdirSync(join(path, '..'), { recursive: true });
    return slave(options, path);
  }
  mkdirSync(output.dir, { recursive: true });
  return slave(
    {
      f: 'hls',
      hls_time: LIVE_SEGMENT_SECONDS,
      hls_list_size: LIVE_LIST_SIZE,
      hls_flags: 'delete_segments+append_list+discont_start+program_date_time+temp_file',
      hls_segment_type: 'mpegts',
      hls_segment_filename: join(output.dir, 'live-%d.ts'),
    },
    join(output.dir, LIVE_PLAYLIST),
  );
}

/** ffmpeg's output arguments for every destination at once. */
export function outputArgs(outputs: readonly OutputTarget[]): string[] {
  return ['-f', 'tee', outputs.map(teeSlave).join('|')];
}
