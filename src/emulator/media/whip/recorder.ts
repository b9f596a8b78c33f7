// Individual participant recording of a WHIP publisher into a local directory that stands in for the S3
// bucket (`ivsrt local start --s3-dir DIR`). DIR/<bucket>/<recordingS3Prefix>/ gets the User Guide's layout
// (rt-individual-participant-recording.html, "Recording Contents" and "JSON Metadata Files"):
// events/recording-started.json when the recording starts (its first media), media/hls/multivariant.m3u8
// with one rendition, high/playlist.m3u8 (a VOD playlist, complete once the media stops) with fragmented
// MP4 segments (init-0.mp4, 0.mp4, 1.mp4, ...) that ffmpeg cuts from the RTP received (H.264 copied,
// Opus to AAC), and, when the recording ends (after the reconnect window), events/recording-ended.json, or
// events/recording-failed.json when it fails. With thumbnails on (recordingMode INTERVAL), JPEGs every
// targetIntervalSeconds: media/thumbnails/high/1.jpg, 2.jpg, ... (SEQUENTIAL, numbered on across a merge)
// and media/latest_thumbnail/high/thumb.jpg (LATEST). A publisher back within the reconnect window continues the
// recording: its media is appended after #EXT-X-DISCONTINUITY with its own init segment (init-1.mp4, ...),
// as the User Guide's example playlist shows.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFfmpeg } from '../../../publish/ffmpeg.js';
import {
  HLS_PATH, multivariantPlaylist, PLAYLIST, playlistDurationMs, restampProgramDateTime, thumbnailOutputs, writeClosingMetadata, writeRecordingFile, writeStartedMetadata,
  type RecordingMetadata, type RecordingOutcome, type ThumbnailStorage,
} from '../recording-files.js';
import { RtpFeed, type FeedKind, type FeedStream } from '../../../media/rtp-feed.js';
import type { RtpPacket } from '../../../media/rtp.js';
import { payloadBeginsKeyframe } from '../../../media/h264.js';
import { spawnTied } from '../../../media/spawn.js';

export interface RecordingTarget {
  /** DIR/<bucket>/<recordingS3Prefix> */
  dir: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  segmentSeconds: number;
  /** The stage's thumbnailConfiguration when its recordingMode is INTERVAL. */
  thumbnails?: ThumbnailStorage;
  /** The stage's mediaTypes: AUDIO_ONLY records no video track, NONE records thumbnails only. */
  mediaTypes: RecordedMedia;
  /** The emulator's clock (ms): what the playlist's EXT-X-PROGRAM-DATE-TIME follows. */
  now: () => number;
}

/** AutoParticipantRecordingConfiguration.mediaTypes (one value; AUDIO_VIDEO by default). */
export type RecordedMedia = 'AUDIO_VIDEO' | 'AUDIO_ONLY' | 'NONE';

/** Payload types a WHIP session's offer uses (after narrowing to H.264 and Opus). */
export interface PayloadTypes {
  video?: number;
  audio?: number;
}

type Kind = FeedKind;

const RENDITION = 'high';
/** How long ffmpeg gets to write its last segment and the end of the playlist before it is killed. */
const STOP_GRACE_MS = 5_000;
const NUDGE_EVERY_MS = 100;

/**
 * `playlist` with the media playlist `part` appended after a discontinuity (its init segment and
 * segments), still one VOD playlist with the longest target duration of the two.
 */
function appendPart(playlist: string, part: string): string {
  const target = (text: string) => Number(/^#EXT-X-TARGETDURATION:(\d+)/m.exec(text)?.[1] ?? 0);
  const body = part.slice(part.indexOf('#EXT-X-MAP:')).replace(/#EXT-X-ENDLIST\s*$/, '');
  const head = playlist.replace(/#EXT-X-ENDLIST\s*$/, '').replace(/^#EXT-X-TARGETDURATION:\d+/m, `#EXT-X-TARGETDURATION:${Math.max(target(playlist), target(part))}`);
  return `${head}#EXT-X-DISCONTINUITY\n${body}#EXT-X-ENDLIST\n`;
}

/**
 * An RTP packet that follows `last` in its stream (next sequence number, a frame later) and carries an
 * empty frame: a zero-length Opus frame (RFC 6716 §3.2.1, a one-byte packet) or an H.264 access unit
 * delimiter. ffmpeg reads it as one more packet, which is what lets it act on a stop signal.
 */
function followingPacket(kind: Kind, last: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 0x80 | (last[1]! & 0x7f); // marker, same payload type
  const view = Buffer.from(last.buffer, last.byteOffset, last.byteLength);
  header.writeUInt16BE((view.readUInt16BE(2) + 1) & 0xffff, 2);
  header.writeUInt32BE((view.readUInt32BE(4) + (kind === 'audio' ? 960 : 3000)) >>> 0, 4);
  view.copy(header, 8, 8, 12); // SSRC
  const csrcs = (last[0]! & 0x0f) * 4;
  const extension = last[0]! & 0x10 ? 4 + view.readUInt16BE(14 + csrcs) * 4 : 0;
  const toc = last[12 + csrcs + extension] ?? 0xfc;
  return Buffer.concat([header, Buffer.from(kind === 'audio' ? [toc] : [0x09, 0xf0])]);
}

/** How often a key frame is asked for again while none has come (a PLI can be lost). */
const KEYFRAME_REQUEST_EVERY_MS = 500;

export class Recorder {
  private ffmpeg: ChildProcess | undefined;
  /** The RTP on its way to ffmpeg (held until ffmpeg listens, so its first key frame is in there). */
  private feed: RtpFeed | undefined;
  /** The last packet forwarded of each kind (the stop nudge follows on from it). */
  private last: Partial<Record<Kind, Uint8Array>> = {};
  /**
   * Until the part's first video key frame, nothing is recorded (a decoder can start only there) and a key
   * frame is asked of the publisher every KEYFRAME_REQUEST_EVERY_MS; audio-only parts need none.
   */
  private awaitingKeyframe = false;
  private keyframeRequests: NodeJS.Timeout | undefined;
  /** When (emulator clock) the current part's first media went to ffmpeg: its EXT-X-PROGRAM-DATE-TIME. */
  private partStartedAt: number | undefined;
  private startedAt: number | undefined;
  /** Which WHIP session of the recording ffmpeg is taking in: 0, then 1, 2, ... for each reconnect within the window. */
  private part = 0;
  private listening: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private closed = false;
  /** ffmpeg's session description and, after the first part, its own playlist and init segment: out of the bucket. */
  private workDir: string | undefined;

  constructor(
    private readonly target: RecordingTarget,
    private readonly log: (line: string) => void,
  ) {}

  get started(): boolean {
    return this.startedAt !== undefined;
  }

  /** What its metadata files say (User Guide, "JSON Metadata Files"): an individual recording names its session and participant. */
  private get metadata(): RecordingMetadata {
    const { stageArn, sessionId, participantId } = this.target;
    return {
      subject: { stage_arn: stageArn, session_id: sessionId, participant_id: participantId },
      startedAt: this.startedAt,
      media: { rendition: RENDITION, thumbnails: this.thumbnails, hls: this.recordsHls },
    };
  }

  /** HLS media is written unless mediaTypes is NONE (thumbnails only). */
  private get recordsHls(): boolean {
    return this.target.mediaTypes !== 'NONE';
  }

  /** Thumbnails are drawn from the video: none for AUDIO_ONLY. */
  private get thumbnails(): ThumbnailStorage | undefined {
    return this.target.mediaTypes === 'AUDIO_ONLY' ? undefined : this.target.thumbnails;
  }

  /** What of the publisher's media this recording takes: no video for AUDIO_ONLY; for NONE, video for the thumbnails only. */
  private recorded(media: PayloadTypes): PayloadTypes {
    if (this.target.mediaTypes === 'AUDIO_ONLY') return { audio: media.audio };
    if (this.target.mediaTypes === 'NONE') return this.thumbnails ? { video: media.video } : {};
    return media;
  }

  /** The recording runs from `startedAt` (its first media): recording-started.json and the multivariant playlist. */
  start(startedAt: number): void {
    if (this.startedAt !== undefined || this.closed) return;
    this.startedAt = startedAt;
    writeStartedMetadata(this.target.dir, this.metadata);
    if (!findFfmpeg() || !this.recordsHls) return; // without ffmpeg (or for thumbnails only) there is no media to list
    const codecs = this.target.mediaTypes === 'AUDIO_ONLY' ? 'mp4a.40.2' : 'avc1.42e01f,mp4a.40.2';
    writeRecordingFile(this.target.dir, `${HLS_PATH}/multivariant.m3u8`, multivariantPlaylist(RENDITION, codecs, 8_500_000));
  }

  /**
   * ffmpeg, listening for the RTP before the first packet arrives (so the recording begins with the
   * publisher's first key frame rather than whenever ffmpeg is up). Segments appear once media flows.
   */
  listen(offered: PayloadTypes, requestKeyframe: () => void): Promise<void> {
    if (!this.listening) {
      const media = this.recorded(offered);
      this.partStartedAt = undefined;
      this.awaitKeyframe(media, requestKeyframe);
      const streams: FeedStream[] = [];
      if (media.video !== undefined) streams.push({ kind: 'video', payloadType: media.video });
      if (media.audio !== undefined) streams.push({ kind: 'audio', payloadType: media.audio });
      this.feed = new RtpFeed(streams);
      this.listening = this.spawnFfmpeg(this.feed);
    }
    return this.listening;
  }

  /**
   * The recording of this part starts with a key frame: the publisher is asked for one now (RTCP PLI, as a
   * decoder joining mid-stream asks), and again until it comes, so the opening seconds are not lost waiting
   * for the encoder's next scheduled one.
   */
  private awaitKeyframe(media: PayloadTypes, requestKeyframe: () => void): void {
    this.awaitingKeyframe = media.video !== undefined;
    if (!this.awaitingKeyframe) return;
    requestKeyframe();
    this.keyframeRequests = setInterval(requestKeyframe, KEYFRAME_REQUEST_EVERY_MS);
    this.keyframeRequests.unref();
  }

  private keyframeCame(): void {
    this.awaitingKeyframe = false;
    clearInterval(this.keyframeRequests);
    this.keyframeRequests = undefined;
  }

  /** The publisher came back within the reconnect window: once the last part is written out, ffmpeg takes in the next. */
  async resume(media: PayloadTypes, requestKeyframe: () => void): Promise<void> {
    await this.stopped;
    if (this.closed || !this.stopped) return;
    this.part++;
    this.listening = undefined;
    this.stopped = undefined;
    this.last = {};
    await this.listen(media, requestKeyframe);
  }

  private get renditionDir(): string {
    return join(this.target.dir, HLS_PATH, RENDITION);
  }

  private async spawnFfmpeg(feed: RtpFeed): Promise<void> {
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) {
      this.log('recording: ffmpeg is not on PATH, so only the metadata files are written (install ffmpeg for HLS media)');
      return;
    }
    // NONE without thumbnails writes nothing but the metadata files.
    if (feed.streams.length === 0 || (!this.recordsHls && !this.thumbnails)) return;
    // ffmpeg listens on a port of its own for each stream; packets are sent there from the feed's socket.
    await feed.open();
    // ffmpeg reads the RTP session description from a file; it stays out of the bucket directory.
    const work = (this.workDir = mkdtempSync(join(tmpdir(), 'ivsrt-recording-')));
    const sdpPath = join(work, 'session.sdp');
    writeFileSync(sdpPath, feed.sdp('ivsrt recording'));
    if (this.stopped) return; // the publisher left while this was being set up
    const thumbnails = this.thumbnails;
    const child = spawnTied(
      ffmpeg,
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin',
        // The probe ends with the first parameter sets (the packets held until ffmpeg listens start with them);
        // should they be lost, it waits up to 5 s for the next key frame rather than writing no header at all.
        '-protocol_whitelist', 'file,udp,rtp', '-analyzeduration', '5000000', '-probesize', '5000000', '-fflags', '+genpts', '-i', sdpPath,
        ...this.hlsOutputs(work),
        // Thumbnails: a frame every interval, decoded from the video received.
        ...thumbnailOutputs(this.target.dir, RENDITION, thumbnails, () => ['-map', '0:v', '-vf', `fps=1/${thumbnails!.intervalSeconds}`]),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.ffmpeg = child;
    void feed.release(child, () => this.stopped !== undefined);
    let errors = '';
    child.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString()).slice(-1000)));
    child.once('exit', (code, signal) => {
      // 255 is ffmpeg's exit after the SIGINT that stops it.
      if (signal || (code && !(this.stopped && code === 255))) this.log(`recording: ffmpeg exited with ${code ?? signal}: ${errors.trim().split('\n').slice(-4).join(' / ')}`);
    });
  }

  /** The part's playlist: the bucket's for the first part; a later part writes its own, appended when it ends. */
  private partPlaylist(work: string): string {
    return this.part === 0 ? join(this.renditionDir, PLAYLIST) : join(work, PLAYLIST);
  }

  /** ffmpeg outputs for the HLS rendition; none for NONE (thumbnails only). */
  private hlsOutputs(work: string): string[] {
    if (!this.recordsHls) return [];
    const rendition = this.renditionDir;
    mkdirSync(rendition, { recursive: true });
    // A later part's segments number on from the last (ffmpeg puts its init segment beside its playlist).
    const startNumber = this.part === 0 ? 0 : (readFileSync(join(rendition, PLAYLIST), 'utf8').match(/^\d+\.mp4$/gm)?.length ?? 0);
    return [
      // Video copied as received (AUDIO_ONLY has none). Audio to AAC: fMP4 cannot take Opus copied from RTP
      // (no OpusHead to put in its dOps box; ffmpeg fails on it whenever it starts before an Opus packet is
      // seen), and AAC is what every HLS player plays.
      '-map', '0', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '128k',
      // The User Guide's playlist: VOD, fragmented MP4 behind init-0.mp4, EXT-X-PROGRAM-DATE-TIME to line
      // participants up (ffmpeg writes the wall clock's; restampPart puts the emulator clock's as the part ends).
      '-f', 'hls', '-hls_time', String(this.target.segmentSeconds), '-hls_playlist_type', 'vod',
      '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', `init-${this.part}.mp4`, '-hls_flags', 'program_date_time',
      '-start_number', String(startNumber), '-hls_segment_filename', join(rendition, '%d.mp4'),
      this.partPlaylist(work),
    ];
  }

  /** Hands `data` to ffmpeg if this recording takes `kind` (see `selected`); says whether it did. */
  private send(kind: Kind, data: Uint8Array): boolean {
    const stream = this.feed?.streams.findIndex((s) => s.kind === kind) ?? -1;
    if (stream >= 0) this.feed!.send(stream, data);
    return stream >= 0;
  }

  /**
   * A packet as received (decrypted), with its RTP header as ingest.ts parsed it (undefined for RTCP);
   * forwarded to ffmpeg while the media runs.
   */
  packet(kind: Kind, data: Uint8Array, rtp: RtpPacket | undefined): void {
    if (this.stopped) return;
    if (this.awaitingKeyframe) {
      // Nothing before the first key frame can be decoded, and audio without it would start the recording early.
      if (kind !== 'video' || !rtp || !payloadBeginsKeyframe(rtp.payload)) return;
      this.keyframeCame();
    }
    this.partStartedAt ??= this.target.now();
    // Only what ffmpeg reads can nudge it at the stop (stopMedia): for NONE that is the video alone.
    if (this.send(kind, data) && rtp) this.last[kind] = data;
  }

  /**
   * The media stopped: ffmpeg gets SIGINT, on which it writes the last, partial segment and
   * #EXT-X-ENDLIST. It acts on the signal only between two packets it reads (a second signal would break
   * its wait for input, but also its last writes), so empty frames follow until it has exited.
   * Resolves once it has. Safe to call twice.
   */
  stopMedia(): Promise<void> {
    this.keyframeCame();
    this.stopped ??= (async () => {
      await this.listening?.catch(() => undefined);
      const ffmpeg = this.ffmpeg;
      if (ffmpeg && ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
        const exited = new Promise((resolve) => ffmpeg.once('exit', resolve));
        ffmpeg.kill('SIGINT');
        const kind: Kind | undefined = this.last.audio ? 'audio' : this.last.video ? 'video' : undefined;
        const nudge = setInterval(() => {
          if (!kind) return;
          const next = followingPacket(kind, this.last[kind]!);
          this.last[kind] = next;
          this.send(kind, next);
        }, NUDGE_EVERY_MS);
        const kill = setTimeout(() => ffmpeg.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearInterval(nudge);
        clearTimeout(kill);
      }
      this.feed?.close();
      this.feed = undefined;
      this.restampPart();
      if (this.part > 0) this.appendLastPart();
      if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }

  /** The part's EXT-X-PROGRAM-DATE-TIME from the emulator's clock, not the wall clock ffmpeg read. */
  private restampPart(): void {
    if (!this.recordsHls || this.workDir === undefined || this.partStartedAt === undefined) return;
    const playlist = this.partPlaylist(this.workDir);
    if (existsSync(playlist)) writeFileSync(playlist, restampProgramDateTime(readFileSync(playlist, 'utf8'), this.partStartedAt));
  }

  /** A later part's media joins the bucket's playlist, after a discontinuity, with its init segment beside it. */
  private appendLastPart(): void {
    const part = join(this.workDir!, PLAYLIST);
    const playlist = join(this.renditionDir, PLAYLIST);
    const media = existsSync(part) ? readFileSync(part, 'utf8') : '';
    if (!/^\d+\.mp4$/m.test(media) || !existsSync(playlist)) return; // no media came in this part
    renameSync(join(this.workDir!, `init-${this.part}.mp4`), join(this.renditionDir, `init-${this.part}.mp4`));
    writeFileSync(playlist, appendPart(readFileSync(playlist, 'utf8'), media));
  }

  /**
   * The recording is over at `endedAt` (the moment its state became STOPPED or FAILED): once the media is
   * written out, recording-ended.json, or recording-failed.json for a failure. `write` false where nothing
   * is to be written (a bucket that takes no writes, or nothing recorded).
   */
  async close(outcome: RecordingOutcome, endedAt: number, write = true): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopMedia();
    // No media ever came: what ffmpeg set up while waiting for it is not a recording.
    if (this.startedAt === undefined) rmSync(join(this.target.dir, 'media'), { recursive: true, force: true });
    if (!write) return;
    const playlist = join(this.target.dir, HLS_PATH, RENDITION, PLAYLIST);
    const durationMs = existsSync(playlist) ? playlistDurationMs(readFileSync(playlist, 'utf8')) : 0;
    writeClosingMetadata(this.target.dir, this.metadata, outcome, endedAt, durationMs);
  }
}
