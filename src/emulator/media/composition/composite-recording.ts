// The composite recording of an S3 destination, written into the directory standing in for the bucket
// (--s3-dir) under the destination's recordingPrefix, as the User Guide's *Composite Recording* page lays it
// out (its "Recording Contents" and "JSON Metadata Files", with example files; docs/fidelity.md lists what
// is sourced and what is inferred):
// - events/recording-started.json once the first segment is written, and, once the destination has
//   stopped (or failed) and the last segment is written, recording-ended.json (or recording-failed.json);
// - media/hls/multivariant.m3u8 over the rendition's media/hls/<height>p<framerate>-<encoderConfigurationId>/
//   playlist.m3u8, an EVENT playlist while the composition runs and VOD once it is over (the page's "Known
//   Issue"), with MPEG-TS segments 0.ts, 1.ts, ... (a new layout continues after #EXT-X-DISCONTINUITY);
// - thumbnails per thumbnailConfigurations: media/thumbnails/<width>x<height>/N.jpg (SEQUENTIAL) and
//   media/latest_thumbnail/<width>x<height>/thumb.jpg (LATEST).
// ffmpeg writes the segments into the bucket but its own playlist outside it: the bucket's playlist is
// made from ffmpeg's with every EXT-X-PROGRAM-DATE-TIME on the emulator's clock (ffmpeg writes the wall
// clock's, and reads its own playlist back when a new layout restarts it).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HLS_PATH, MULTIVARIANT, multivariantPlaylist, PLAYLIST, playlistDurationMs, playlistSegments, redatePlaylist, thumbnailFolder, thumbnailOutputs, writeClosingMetadata, writeRecordingFile, writeStartedMetadata,
  type RecordingMetadata, type RecordingOutcome, type ThumbnailStorage,
} from '../recording-files.js';

/** One encoded rendition: the encoder configuration's video. */
export interface Rendition {
  /** The encoder configuration's id (the last part of its ARN); empty for the defaults. */
  encoderId: string;
  width: number;
  height: number;
  framerate: number;
  bitrate: number;
}

/**
 * The rendition's folder: `720p30-abcdeABCDE12` in the page's example files, i.e. (inferred) height, `p`,
 * frame rate, and the encoder configuration's 12-character id.
 */
const renditionPath = (r: Rendition): string => `${r.height}p${r.framerate}${r.encoderId ? `-${r.encoderId}` : ''}`;

export interface CompositeTarget {
  /** DIR/<bucket>/<recordingPrefix> */
  dir: string;
  stageArn: string;
  /** The composition and its S3 destination whose recording this is. */
  compositionArn: string;
  destinationId: string;
  rendition: Rendition;
  segmentSeconds: number;
  thumbnails?: ThumbnailStorage;
  /** Where ffmpeg keeps its own playlist (out of the bucket). */
  workDir: string;
  /** The emulator's clock (ms). */
  now: () => number;
  /** The first segment is written (Composite Recording Start). */
  onStarted: () => void;
  /** The closing file is written (or, for a bucket that takes no writes, would have been). */
  onClosed: (outcome: RecordingOutcome, durationMs: number) => void;
}

export class CompositeRecording {
  private startedAt: number | undefined;
  private closed = false;
  /** Pipelines writing it now (it is closed only once none is). */
  writers = 0;
  /** Each segment's EXT-X-PROGRAM-DATE-TIME on the emulator's clock, fixed when the segment is first seen. */
  private readonly stamps = new Map<string, number>();
  private seenMtime = 0;

  constructor(readonly target: CompositeTarget) {}

  get rendition(): string {
    return renditionPath(this.target.rendition);
  }

  private get playlist(): string {
    return join(this.target.dir, HLS_PATH, this.rendition, PLAYLIST);
  }

  private get ffmpegPlaylist(): string {
    return join(this.target.workDir, PLAYLIST);
  }

  /** What its metadata files say (the page's example files): a composite recording names its stage only, and its picture size. */
  private get metadata(): RecordingMetadata {
    return {
      subject: { stage_arn: this.target.stageArn },
      startedAt: this.startedAt,
      media: { rendition: this.rendition, thumbnails: this.target.thumbnails, size: this.target.rendition },
    };
  }

  /** ffmpeg's tee slave for the HLS: segments into the bucket, numbered on by each new ffmpeg; its playlist in the work dir. */
  hlsSlave(): { options: Record<string, string | number>; path: string } {
    mkdirSync(join(this.target.dir, HLS_PATH, this.rendition), { recursive: true });
    mkdirSync(this.target.workDir, { recursive: true });
    return {
      options: {
        f: 'hls',
        hls_time: this.target.segmentSeconds,
        hls_playlist_type: 'event',
        hls_flags: 'append_list+discont_start+program_date_time+temp_file',
        hls_segment_type: 'mpegts',
        hls_segment_filename: join(this.target.dir, HLS_PATH, this.rendition, '%d.ts'),
      },
      path: this.ffmpegPlaylist,
    };
  }

  /** The thumbnail outputs, each reading the frames `source` maps (one every targetIntervalSeconds). */
  thumbnailArgs(source: (which: 'sequential' | 'latest') => string[]): string[] {
    return thumbnailOutputs(this.target.dir, thumbnailFolder(this.target.rendition), this.target.thumbnails, source);
  }

  /**
   * Brings the bucket's playlist up to ffmpeg's (called as segments come, and once more at the end): new
   * segments get their date on the emulator's clock; the first one starts the recording.
   */
  sync(): void {
    if (this.closed || !existsSync(this.ffmpegPlaylist)) return;
    const mtime = statSync(this.ffmpegPlaylist).mtimeMs;
    if (mtime === this.seenMtime) return;
    this.seenMtime = mtime;
    const text = readFileSync(this.ffmpegPlaylist, 'utf8');
    const listed = playlistSegments(text);
    if (listed.length === 0) return;
    // ffmpeg's wall-clock date, moved onto the emulator's clock as it runs now.
    const offset = this.target.now() - Date.now();
    for (const { uri, dateMs } of listed) if (!this.stamps.has(uri)) this.stamps.set(uri, (dateMs ?? Date.now()) + offset);
    if (this.startedAt === undefined) this.start();
    writeFileSync(this.playlist, redatePlaylist(text, ({ uri }) => this.stamps.get(uri)));
  }

  /** Recording Start: recording-started.json and the multivariant playlist. */
  private start(): void {
    this.startedAt = this.target.now();
    const { width, height, bitrate, framerate } = this.target.rendition;
    writeStartedMetadata(this.target.dir, this.metadata);
    writeRecordingFile(this.target.dir, `${HLS_PATH}/${MULTIVARIANT}`, multivariantPlaylist(this.rendition, 'avc1.64001f,mp4a.40.2', bitrate + 128_000, `${width}x${height}`, framerate));
    this.target.onStarted();
  }

  /**
   * The destination is over, its media written out: the playlist becomes VOD and ends, and
   * recording-ended.json (or recording-failed.json) is written; nothing when `write` is false (a bucket
   * that takes no writes).
   */
  close(outcome: RecordingOutcome, write: boolean): void {
    if (this.closed) return;
    this.sync();
    this.closed = true;
    let duration_ms = 0;
    if (write && existsSync(this.playlist)) {
      let text = readFileSync(this.playlist, 'utf8').replace('#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-PLAYLIST-TYPE:VOD');
      if (!/#EXT-X-ENDLIST\s*$/.test(text)) text = `${text.trimEnd()}\n#EXT-X-ENDLIST\n`;
      writeFileSync(this.playlist, text);
      duration_ms = playlistDurationMs(text);
    }
    const outcomeNow: RecordingOutcome = outcome !== 'RECORDING_ENDED' && this.startedAt === undefined ? 'RECORDING_START_FAILED' : outcome;
    if (write) writeClosingMetadata(this.target.dir, this.metadata, outcomeNow, this.target.now(), duration_ms);
    rmSync(this.target.workDir, { recursive: true, force: true });
    this.target.onClosed(outcomeNow, duration_ms);
  }
}
