// What a recording writes into the directory standing in for its S3 prefix (--s3-dir), shared by the
// individual participant recording (whip/recorder.ts) and the composite recording
// (composition/composite-recording.ts): the metadata files under events/, their `media` block, and the
// HLS facts they report. Both follow the User Guide's "JSON Metadata Files" and "Recording Contents".
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HLS_PATH = 'media/hls';
export const MULTIVARIANT = 'multivariant.m3u8';
export const PLAYLIST = 'playlist.m3u8';
export const THUMBNAILS = 'media/thumbnails';
export const LATEST_THUMBNAIL = 'media/latest_thumbnail';

/** The User Guide's `recording_status` values once a recording is over. */
export type RecordingOutcome = 'RECORDING_ENDED' | 'RECORDING_ENDED_WITH_FAILURE' | 'RECORDING_START_FAILED';

/** Which thumbnails a recording keeps (thumbnail configuration `storage`). */
export interface ThumbnailStorage {
  intervalSeconds: number;
  sequential: boolean;
  latest: boolean;
}

/** RFC 3339 UTC to the second, as the User Guide's examples write it (`2024-03-13T13:17:17Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds of media a media playlist lists (the sum of its EXTINF durations); 0 when there is none. */
export function playlistDurationMs(playlist: string): number {
  let seconds = 0;
  for (const m of playlist.matchAll(/^#EXTINF:([\d.]+)/gm)) seconds += Number(m[1]);
  return Math.round(seconds * 1000);
}

/**
 * `playlist` with every EXT-X-PROGRAM-DATE-TIME rewritten from `startMs` (the emulator-clock time of its
 * first media) plus the durations of the segments before it, in UTC with `Z` (ffmpeg writes the wall clock).
 */
export function restampProgramDateTime(playlist: string, startMs: number): string {
  // A segment's tags (EXTINF, then the date ffmpeg writes) come before its URI; its duration counts from there.
  let elapsedSeconds = 0;
  let segmentSeconds = 0;
  return playlist
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) return `#EXT-X-PROGRAM-DATE-TIME:${new Date(startMs + Math.round(elapsedSeconds * 1000)).toISOString()}`;
      const extinf = /^#EXTINF:([\d.]+)/.exec(line);
      if (extinf) segmentSeconds = Number(extinf[1]);
      else if (line !== '' && !line.startsWith('#')) {
        elapsedSeconds += segmentSeconds;
        segmentSeconds = 0;
      }
      return line;
    })
    .join('\n');
}

/**
 * `playlist` with every EXT-X-PROGRAM-DATE-TIME moved by `offsetMs` (ffmpeg writes the wall clock's date;
 * the emulator's clock is the wall clock plus an offset), in UTC with `Z`.
 */
export function shiftProgramDateTime(playlist: string, offsetMs: number): string {
  return playlist.replace(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm, (line, date: string) => {
    const ms = Date.parse(date);
    return Number.isNaN(ms) ? line : `#EXT-X-PROGRAM-DATE-TIME:${new Date(ms + offsetMs).toISOString()}`;
  });
}

/** A multivariant playlist naming one rendition's media playlist. */
export function multivariantPlaylist(rendition: string, codecs: string, bandwidth: number, resolution?: string, frameRate?: number): string {
  const size = (resolution ? `,RESOLUTION=${resolution}` : '') + (frameRate ? `,FRAME-RATE=${frameRate.toFixed(3)}` : '');
  return `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth}${size},CODECS="${codecs}"\n${rendition}/${PLAYLIST}\n`;
}

/**
 * The metadata files' `media` block: the HLS rendition (unless `hls` is false: a thumbnail-only recording)
 * and, when kept, the thumbnails (User Guide, "JSON Metadata Files").
 */
export function mediaBlock(rendition: string, thumbnails: ThumbnailStorage | undefined, durationMs?: number, hls = true): Record<string, unknown> {
  const media: Record<string, unknown> = {};
  if (hls) {
    const block: Record<string, unknown> = {};
    if (durationMs !== undefined) block.duration_ms = durationMs;
    media.hls = Object.assign(block, { path: HLS_PATH, playlist: MULTIVARIANT, renditions: [{ path: rendition, playlist: PLAYLIST }] });
  }
  // "available only when the thumbnail configuration's storage field includes SEQUENTIAL" (LATEST likewise)
  if (thumbnails?.sequential) media.thumbnails = { path: THUMBNAILS, renditions: [{ path: rendition }] };
  if (thumbnails?.latest) media.latest_thumbnail = { path: LATEST_THUMBNAIL, renditions: [{ path: rendition }] };
  return media;
}

/** Writes `body` at `relative` under the recording's directory, making the folders it needs. */
export function writeRecordingFile(dir: string, relative: string, body: string): void {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

export function writeRecordingJson(dir: string, relative: string, value: unknown): void {
  writeRecordingFile(dir, relative, `${JSON.stringify(value, null, 2)}\n`);
}

/** The metadata file a recording that is over gets: recording-ended.json, or recording-failed.json for a failure. */
export const closingFile = (outcome: RecordingOutcome): string => (outcome === 'RECORDING_ENDED' ? 'events/recording-ended.json' : 'events/recording-failed.json');

/**
 * ffmpeg outputs writing the thumbnails into the recording's directory: `source` gives the arguments
 * that pick one frame per interval for the sequential ones and the latest one (each output needs its own).
 */
export function thumbnailOutputs(dir: string, rendition: string, thumbnails: ThumbnailStorage | undefined, source: (which: 'sequential' | 'latest') => string[]): string[] {
  if (!thumbnails) return [];
  const jpeg = ['-q:v', '5', '-f', 'image2'];
  const out: string[] = [];
  if (thumbnails.sequential) {
    const folder = join(dir, THUMBNAILS, rendition);
    mkdirSync(folder, { recursive: true });
    // A merged or resumed recording's thumbnails number on from the last one (User Guide, "Merge Fragmented ... Recordings").
    const next = readdirSync(folder).filter((f) => /^\d+\.jpg$/.test(f)).length + 1;
    out.push(...source('sequential'), ...jpeg, '-start_number', String(next), join(folder, '%d.jpg'));
  }
  if (thumbnails.latest) {
    const folder = join(dir, LATEST_THUMBNAIL, rendition);
    mkdirSync(folder, { recursive: true });
    out.push(...source('latest'), ...jpeg, '-update', '1', join(folder, 'thumb.jpg'));
  }
  return out;
}
