// The composite recording of an S3 destination, written into the directory standing in for the bucket
// (--s3-dir) under the destination's recordingPrefix, laid out as the User Guide's *Composite Recording*
// page and the API reference's thumbnail description give it (docs/fidelity.md lists what is sourced and
// what is inferred): events/recording-started.json when the renderer first writes it, media/hls/
// multivariant.m3u8 over one rendition media/hls/<width>x<height>/playlist.m3u8 with MPEG-TS segments
// (0.ts, 1.ts, ...; a new layout continues the playlist after #EXT-X-DISCONTINUITY), thumbnails per
// thumbnailConfigurations under media/thumbnails/<width>x<height>/N.jpg (SEQUENTIAL) and
// media/latest_thumbnail/<width>x<height>/thumb.jpg (LATEST), and, once the destination has stopped
// (or failed), the VOD playlist closed and events/recording-ended.json (or recording-failed.json).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  closingFile, HLS_PATH, mediaBlock, MULTIVARIANT, multivariantPlaylist, PLAYLIST, playlistDurationMs, restampProgramDateTime, rfc3339, thumbnailOutputs, writeRecordingFile, writeRecordingJson,
  type RecordingOutcome, type ThumbnailStorage,
} from '../recording-files.js';

export interface CompositeTarget {
  /** DIR/<bucket>/<recordingPrefix> */
  dir: string;
  compositionArn: string;
  stageArn: string;
  destinationId: string;
  width: number;
  height: number;
  bitrate: number;
  segmentSeconds: number;
  thumbnails?: ThumbnailStorage;
}

export class CompositeRecording {
  private startedAt: number | undefined;
  private closed = false;

  constructor(readonly target: CompositeTarget) {}

  /** The rendition folder: the encoder configuration's size, as the thumbnail folders are named. */
  get rendition(): string {
    return `${this.target.width}x${this.target.height}`;
  }

  private get playlist(): string {
    return join(this.target.dir, HLS_PATH, this.rendition, PLAYLIST);
  }

  private metadata(status: string, extra: { recording_ended_at?: string; duration_ms?: number } = {}): Record<string, unknown> {
    const { compositionArn, stageArn, destinationId } = this.target;
    const out: Record<string, unknown> = { version: 'v1', composition_arn: compositionArn, stage_arn: stageArn, destination_id: destinationId };
    if (this.startedAt !== undefined) out.recording_started_at = rfc3339(this.startedAt);
    if (extra.recording_ended_at !== undefined) out.recording_ended_at = extra.recording_ended_at;
    out.recording_status = status;
    out.media = mediaBlock(this.rendition, this.target.thumbnails, extra.duration_ms);
    return out;
  }

  /** The renderer is writing it from `at` (the first time only): recording-started.json and the multivariant playlist. */
  started(at: number): void {
    if (this.startedAt !== undefined || this.closed) return;
    this.startedAt = at;
    writeRecordingJson(this.target.dir, 'events/recording-started.json', this.metadata('RECORDING_STARTED'));
    writeRecordingFile(this.target.dir, `${HLS_PATH}/${MULTIVARIANT}`, multivariantPlaylist(this.rendition, 'avc1.64001f,mp4a.40.2', this.target.bitrate + 128_000, this.rendition));
  }

  /** ffmpeg's tee slave for the HLS: an EVENT playlist each new ffmpeg appends to, segment numbers going on. */
  hlsSlave(): { options: Record<string, string | number>; path: string } {
    return {
      options: {
        f: 'hls',
        hls_time: this.target.segmentSeconds,
        hls_playlist_type: 'event',
        hls_flags: 'append_list+discont_start+program_date_time+temp_file',
        hls_segment_type: 'mpegts',
        hls_segment_filename: join(this.target.dir, HLS_PATH, this.rendition, '%d.ts'),
      },
      path: this.playlist,
    };
  }

  /** The thumbnail outputs, each reading the frames `source` maps (one every targetIntervalSeconds). */
  thumbnailArgs(source: (which: 'sequential' | 'latest') => string[]): string[] {
    return thumbnailOutputs(this.target.dir, this.rendition, this.target.thumbnails, source);
  }

  /**
   * The destination is over at `endedAt`, its media written out: the playlist becomes VOD and ends, and
   * recording-ended.json (or recording-failed.json) is written; nothing when `write` is false (a bucket that takes no writes).
   */
  close(outcome: RecordingOutcome, endedAt: number, write: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (!write) return;
    let duration_ms = 0;
    if (existsSync(this.playlist)) {
      let text = readFileSync(this.playlist, 'utf8').replace('#EXT-X-PLAYLIST-TYPE:EVENT', '#EXT-X-PLAYLIST-TYPE:VOD');
      // EXT-X-PROGRAM-DATE-TIME on the emulator's clock, from the recording's start, not ffmpeg's wall clock.
      if (this.startedAt !== undefined) text = restampProgramDateTime(text, this.startedAt);
      if (!/#EXT-X-ENDLIST\s*$/.test(text)) text = `${text.trimEnd()}\n#EXT-X-ENDLIST\n`;
      writeFileSync(this.playlist, text);
      duration_ms = playlistDurationMs(text);
    }
    const outcomeNow: RecordingOutcome = outcome !== 'RECORDING_ENDED' && this.startedAt === undefined ? 'RECORDING_START_FAILED' : outcome;
    const ended = outcomeNow === 'RECORDING_START_FAILED' ? {} : { recording_ended_at: rfc3339(endedAt) };
    writeRecordingJson(this.target.dir, closingFile(outcomeNow), this.metadata(outcomeNow, { ...ended, duration_ms }));
  }
}
