// What a recording writes into the directory standing in for its S3 prefix (--s3-dir), shared by the
// individual participant recording (whip/recorder.ts) and the composite recording
// (composition/composite-recording.ts): the metadata files under events/, their `media` block, and the
// HLS facts they report. Both follow the User Guide's "JSON Metadata Files" and "Recording Contents".
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HLS_PATH = 'media/hls';
export const MULTIVARIANT = 'multivariant.m3u8';
export const PLAYLIST = 'playlist.m3u8';
const THUMBNAILS = 'media/thumbnails';
const LATEST_THUMBNAIL = 'media/latest_thumbnail';

/** The User Guide's `recording_status` values once a recording is over. */
export type RecordingOutcome = 'RECORDING_ENDED' | 'RECORDING_ENDED_WITH_FAILURE' | 'RECORDING_START_FAILED';

/** Which thumbnails a recording keeps (thumbnail configuration `storage`). */
export interface ThumbnailStorage {
  intervalSeconds: number;
  sequential: boolean;
  latest: boolean;
}

/** RFC 3339 UTC to the second, as the User Guide's examples write it (`2024-03-13T13:17:17Z`). */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One segment of a media playlist, as its tags (which come before its URI) describe it. */
export interface PlaylistSegment {
  uri: string;
  /** Its EXTINF duration (0 where there is none). */
  seconds: number;
  /** Its EXT-X-PROGRAM-DATE-TIME (ms), where one is written and parses. */
  dateMs?: number;
}

const DATE_TAG = '#EXT-X-PROGRAM-DATE-TIME:';

/**
 * The one walk over a media playlist's lines: each segment in order, with the index of the line holding its
 * EXT-X-PROGRAM-DATE-TIME (if it has one).
 */
function walkSegments(lines: readonly string[]): { segment: PlaylistSegment; dateLine?: number }[] {
  const out: { segment: PlaylistSegment; dateLine?: number }[] = [];
  let seconds = 0;
  let dateLine: number | undefined;
  lines.forEach((line, i) => {
    if (line.startsWith(DATE_TAG)) dateLine = i;
    else if (line.startsWith('#EXTINF:')) seconds = Number(/^#EXTINF:([\d.]+)/.exec(line)?.[1] ?? 0);
    else if (line !== '' && !line.startsWith('#')) {
      const segment: PlaylistSegment = { uri: line, seconds };
      const dateMs = dateLine === undefined ? Number.NaN : Date.parse(lines[dateLine]!.slice(DATE_TAG.length));
      if (!Number.isNaN(dateMs)) segment.dateMs = dateMs;
      out.push(dateLine === undefined ? { segment } : { segment, dateLine });
      seconds = 0;
      dateLine = undefined;
    }
  });
  return out;
}

/** The segments a media playlist lists, in order. */
export function playlistSegments(playlist: string): PlaylistSegment[] {
  return walkSegments(playlist.split('\n')).map(({ segment }) => segment);
}

/** Milliseconds of media a media playlist lists (the sum of its EXTINF durations); 0 when there is none. */
export function playlistDurationMs(playlist: string): number {
  return Math.round(playlistSegments(playlist).reduce((sum, s) => sum + s.seconds, 0) * 1000);
}

/**
 * `playlist` with each segment's EXT-X-PROGRAM-DATE-TIME replaced by `dateOf(segment)` in UTC with `Z`
 * (left as it is where `dateOf` gives undefined). Segments are visited in order. ffmpeg writes the wall
 * clock's date; the emulator's playlists follow its own clock.
 */
export function redatePlaylist(playlist: string, dateOf: (segment: PlaylistSegment) => number | undefined): string {
  const lines = playlist.split('\n');
  for (const { segment, dateLine } of walkSegments(lines)) {
    const ms = dateOf(segment);
    if (dateLine !== undefined && ms !== undefined) lines[dateLine] = `${DATE_TAG}${new Date(ms).toISOString()}`;
  }
  return lines.join('\n');
}

/** `playlist` dated from `startMs` (the emulator-clock time of its first media) plus the durations of the segments before each. */
export function restampProgramDateTime(playlist: string, startMs: number): string {
  let elapsedSeconds = 0;
  return redatePlaylist(playlist, ({ seconds }) => {
    const ms = startMs + Math.round(elapsedSeconds * 1000);
    elapsedSeconds += seconds;
    return ms;
  });
}

/** `playlist` with every EXT-X-PROGRAM-DATE-TIME moved by `offsetMs` (the emulator's clock is the wall clock plus an offset). */
export function shiftProgramDateTime(playlist: string, offsetMs: number): string {
  return redatePlaylist(playlist, ({ dateMs }) => (dateMs === undefined ? undefined : dateMs + offsetMs));
}

/** A multivariant playlist naming one rendition's media playlist. */
export function multivariantPlaylist(rendition: string, codecs: string, bandwidth: number, resolution?: string, frameRate?: number): string {
  const size = (resolution ? `,RESOLUTION=${resolution}` : '') + (frameRate ? `,FRAME-RATE=${frameRate.toFixed(3)}` : '');
  return `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth}${size},CODECS="${codecs}"\n${rendition}/${PLAYLIST}\n`;
}

/** What a recording's metadata files report of its media (the `media` block). */
export interface RecordedMediaBlock {
  /** The HLS rendition's folder under media/hls. */
  rendition: string;
  thumbnails?: ThumbnailStorage;
  /** Once the recording is over. */
  durationMs?: number;
  /** False for a thumbnail-only recording (no `hls`). */
  hls?: boolean;
  /**
   * A composite recording's picture size: given with its rendition, and naming its thumbnails' folder
   * (`resolutions`, `<width>x<height>`); an individual recording's thumbnails are named by rendition.
   */
  size?: { width: number; height: number };
}

/** The metadata files' `media` block: the HLS rendition and, when kept, the thumbnails (User Guide, "JSON Metadata Files"). */
export function mediaBlock({ rendition, thumbnails, durationMs, hls = true, size }: RecordedMediaBlock): Record<string, unknown> {
  const resolution = size && { resolution_width: size.width, resolution_height: size.height };
  const media: Record<string, unknown> = {};
  if (hls) {
    const block: Record<string, unknown> = {};
    if (durationMs !== undefined) block.duration_ms = durationMs;
    media.hls = Object.assign(block, { path: HLS_PATH, playlist: MULTIVARIANT, renditions: [{ path: rendition, playlist: PLAYLIST, ...resolution }] });
  }
  const pictures = size ? { resolutions: [{ path: thumbnailFolder(size), ...resolution }] } : { renditions: [{ path: rendition }] };
  // "available only when the thumbnail configuration's storage field includes SEQUENTIAL" (LATEST likewise)
  if (thumbnails?.sequential) media.thumbnails = { path: THUMBNAILS, ...pictures };
  if (thumbnails?.latest) media.latest_thumbnail = { path: LATEST_THUMBNAIL, ...pictures };
  return media;
}

/** A composite recording's thumbnails' folder: the picture's size (the User Guide's example: `1280x720`). */
export const thumbnailFolder = (size: { width: number; height: number }): string => `${size.width}x${size.height}`;

/** Writes `body` at `relative` under the recording's directory, making the folders it needs. */
export function writeRecordingFile(dir: string, relative: string, body: string): void {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

/**
 * Who a recording is of, as its metadata files name it (in the example files' order): the stage, and for an
 * individual participant recording its session and participant too.
 */
export interface RecordingSubject {
  stage_arn: string;
  session_id?: string;
  participant_id?: string;
}

/** What both kinds of recording write their metadata files from; they differ only in who it is of and in the `media` block. */
export interface RecordingMetadata {
  subject: RecordingSubject;
  /** When the recording started (emulator clock, ms); undefined while it has not ("unavailable when ... RECORDING_START_FAILED"). */
  startedAt: number | undefined;
  /** The `media` block; its duration is the closing file's to add. */
  media: Omit<RecordedMediaBlock, 'durationMs'>;
}

/** A metadata file's fields, in the order of the User Guide's example files; `end` for a recording that is over. */
function metadataFields({ subject, startedAt, media }: RecordingMetadata, status: RecordingOutcome | 'RECORDING_STARTED', end?: { endedAt?: number; durationMs: number }): Record<string, unknown> {
  const out: Record<string, unknown> = { version: 'v1', ...subject };
  if (startedAt !== undefined) out.recording_started_at = rfc3339(startedAt);
  if (end?.endedAt !== undefined) out.recording_ended_at = rfc3339(end.endedAt);
  out.recording_status = status;
  out.media = mediaBlock({ ...media, durationMs: end?.durationMs });
  return out;
}

function writeRecordingJson(dir: string, relative: string, value: unknown): void {
  writeRecordingFile(dir, relative, `${JSON.stringify(value, null, 2)}\n`);
}

/** events/recording-started.json, as the recording starts. */
export function writeStartedMetadata(dir: string, metadata: RecordingMetadata): void {
  writeRecordingJson(dir, 'events/recording-started.json', metadataFields(metadata, 'RECORDING_STARTED'));
}

/**
 * The metadata file a recording that is over gets: recording-ended.json, or recording-failed.json for a
 * failure, with when it ended (none for RECORDING_START_FAILED) and how much media it holds.
 */
export function writeClosingMetadata(dir: string, metadata: RecordingMetadata, outcome: RecordingOutcome, endedAt: number, durationMs: number): void {
  const file = outcome === 'RECORDING_ENDED' ? 'events/recording-ended.json' : 'events/recording-failed.json';
  const end = outcome === 'RECORDING_START_FAILED' ? { durationMs } : { endedAt, durationMs };
  writeRecordingJson(dir, file, metadataFields(metadata, outcome, end));
}

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
