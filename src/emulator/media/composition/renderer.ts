// Server-side composition with real media: while a composition is ACTIVE, one ffmpeg per composition
// decodes the stage's WHIP publishers (their RTP, from the WhipIngest's watchRtpSources, fed through
// src/media/rtp-feed.ts), draws them on the encoder configuration's canvas as the layout says
// (src/composition/layout.ts, drawn by src/composition/graph.ts), mixes their audio, and encodes H.264/AAC
// for its destinations: the channel destination as live HLS the emulator serves (output.ts), the S3
// destination as a composite recording under --s3-dir (composite-recording.ts). Simulated publishers
// (no media) get a labelled placeholder tile.
//
// Each encoder configuration the composition's destinations name is its own rendition: one ffmpeg per
// composition and encoder configuration, its picture laid out at that configuration's size.
//
// The scene (who is where, which streams) is worked out again after every committed change and whenever
// a publisher's media starts, stops, or its video pauses; when it differs, ffmpeg is restarted with the
// new graph (inputs cannot be added to a running ffmpeg), and the outputs go on from where they were. The
// new ffmpeg is handed each video's packets since its last key frame first (media/last-gop.ts), so that it
// decodes every input at once instead of waiting for each publisher's next key frame. Those packets are
// kept only for publishers on a stage with a composition to draw: the first ffmpeg of a composition asks
// its publishers for a key frame instead, as it is set up (the key frame is held for it while it starts).
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncoderConfiguration } from '@aws-sdk/client-ivs-realtime';
import { compositionGraph, type DrawnTile } from '../../../composition/graph.js';
import { layoutTiles, type LayoutParticipant, type LayoutSpec } from '../../../composition/layout.js';
import { findFfmpeg } from '../../../publish/ffmpeg.js';
import type { Emulator } from '../../domain/emulator.js';
import { isBucketBroken } from '../../domain/faults.js';
import { participantKey, type CompositionRec, type DestinationRec } from '../../state/store.js';
import type { MediaKind, RtpSource, RtpSources } from '../whip/rtp-source.js';
import { LastGop } from '../../../media/last-gop.js';
import { RtpFeed, type FeedStream } from '../../../media/rtp-feed.js';
import { spawnTied } from '../../../media/spawn.js';
import { CompositeRecording, type CompositeTarget, type Rendition } from './composite-recording.js';
import { LIVE_SEGMENT_SECONDS, outputArgs, type OutputTarget } from './output.js';

/**
 * One rendition of an ACTIVE composition the emulator renders (one per encoder configuration its
 * destinations name): the ffmpeg drawing it now, by pid, absent while none runs (between two scenes, or
 * without ffmpeg on the PATH). GET /_ivsrt/media lists them (http/admin-contract.ts).
 */
export interface CompositionRenditionStatus {
  compositionArn: string;
  /** The encoder configuration it is encoded with; absent for the defaults. */
  encoderConfigurationArn?: string;
  ffmpegPid?: number;
}

/** The encoder configuration's defaults (API reference, Video): 1280x720, 30 fps, 2.5 Mbps. */
const DEFAULT_VIDEO: Rendition = { encoderId: '', width: 1280, height: 720, framerate: 30, bitrate: 2_500_000 };
/** A publisher's video counts as stopped after this long without a packet (omitStoppedVideo, placeholder). */
const VIDEO_STOPPED_MS = 1_000;
/** How often the renderer looks for a video that stopped (or came back) and for new recorded segments. */
const LOOK_EVERY_MS = 100;
/** Changes that come together (a publisher joining, then its media) make one restart. */
const SETTLE_MS = 150;
/** How long a stopping ffmpeg gets to finish its segment before it is killed. */
const STOP_GRACE_MS = 800;
/** How many times in a row an ffmpeg that dies drawing one scene is started again. */
const MAX_RESTARTS = 3;
/**
 * An ffmpeg that has encoded this many seconds of picture (counted in frames, from its progress report)
 * runs well: its scene's restarts count from 0 again, so a long composition survives an occasional crash
 * while one that keeps failing is still left after MAX_RESTARTS.
 */
const HEALTHY_SECONDS = 5;

export interface RendererOptions {
  /** Where live output goes (one directory per composition), served at /playback/<compositionId>/; made when first needed. */
  liveDir: () => string;
  /** The directory standing in for S3 (--s3-dir); no composite recording without it. */
  s3Dir?: string;
}

interface Scene {
  key: string;
  /** The encoder configuration this scene is encoded with (its ARN; '' for the defaults). */
  encoder: string;
  canvas: { width: number; height: number };
  framerate: number;
  bitrate: number;
  tiles: DrawnTile[];
  /** The RTP streams ffmpeg reads, and whose media each is. */
  streams: (FeedStream & { participant: string })[];
  audio: string[];
  outputs: OutputTarget[];
}

const running = (d: DestinationRec): boolean => d.state === 'ACTIVE' || d.state === 'RECONNECTING';
const over = (d: DestinationRec): boolean => d.state === 'STOPPED' || d.state === 'FAILED';

interface S3Settings {
  storageConfigurationArn?: string;
  recordingConfiguration?: { hlsConfiguration?: { targetSegmentDurationSeconds?: number } };
  thumbnailConfigurations?: { targetIntervalSeconds?: number; storage?: string[] }[];
}

/** The encoder configuration ARN a destination names (an S3 destination takes exactly one: the model's list has max 1). */
function encoderOf(d: DestinationRec): string {
  const config = d.configuration as { channel?: { encoderConfigurationArn?: string }; s3?: { encoderConfigurationArns?: string[] } };
  return config.channel?.encoderConfigurationArn ?? config.s3?.encoderConfigurationArns?.[0] ?? '';
}

/** The video of encoder configuration `arn`, its defaults filled in (the defaults for none, or one since deleted). */
function renditionOf(emu: Emulator, arn: string): Rendition {
  const video = arn ? (emu.store.encoders.get(arn)?.video as EncoderConfiguration['video']) : undefined;
  if (!video) return DEFAULT_VIDEO;
  return {
    encoderId: arn.slice(arn.lastIndexOf('/') + 1),
    width: video.width ?? DEFAULT_VIDEO.width,
    height: video.height ?? DEFAULT_VIDEO.height,
    framerate: Math.round(video.framerate ?? DEFAULT_VIDEO.framerate),
    bitrate: video.bitrate ?? DEFAULT_VIDEO.bitrate,
  };
}

export class CompositionRenderer {
  private readonly sources = new Map<string, RtpSource>();
  /** When each WHIP publisher's last video packet came (Date.now()). */
  private readonly lastVideo = new Map<string, number>();
  /** The video since its last key frame of each WHIP publisher on a stage in `composing`, replayed first to each new ffmpeg. */
  private readonly gops = new Map<string, LastGop>();
  /** The stages with a composition being drawn, as of the last refresh. */
  private composing = new Set<string>();
  /** Publishers whose video was flowing at the last look (a change re-lays the output). */
  private readonly flowing = new Set<string>();
  private readonly pipelines = new Map<string, Pipeline>();
  /** Composite recordings by composition ARN, then destination id, from their destination's start until they are closed. */
  private readonly recordings = new Map<string, Map<string, CompositeRecording>>();
  private readonly stopWatching: () => void;
  private readonly ticker: NodeJS.Timeout;
  private settle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly emu: Emulator,
    /** The WHIP publishers whose media the compositions draw. */
    media: RtpSources,
    private readonly options: RendererOptions,
  ) {
    emu.onCommitted(() => this.schedule());
    this.stopWatching = media.watchRtpSources({
      added: (source) => {
        const key = participantKey({ sessionId: source.sessionId, id: source.participantId });
        this.sources.set(key, source);
        if (this.composing.has(source.stageArn)) this.gops.set(key, new LastGop());
        // Its video is expected: the first packets follow the connection by milliseconds, so it is drawn as
        // video from the start (a placeholder would be replaced by the first packets, one restart more), and
        // becomes a stopped video only if none comes within VIDEO_STOPPED_MS.
        if (source.payloadTypes.video !== undefined) this.lastVideo.set(key, Date.now());
        source.listen((kind, data, rtp) => {
          // The track's RTCP (sender reports) goes on after its video stops: only RTP says video came.
          if (kind !== 'video' || !rtp) return;
          this.lastVideo.set(key, Date.now());
          this.gops.get(key)?.push(data, rtp);
        });
        this.schedule();
      },
      removed: (source) => {
        const key = participantKey({ sessionId: source.sessionId, id: source.participantId });
        this.sources.delete(key);
        this.gops.delete(key);
        this.lastVideo.delete(key);
        this.flowing.delete(key);
        this.schedule();
      },
    });
    // A paused video is a change no commit announces; new recorded segments are listed in the bucket's playlist.
    this.ticker = setInterval(() => {
      for (const recordings of this.recordings.values()) for (const recording of recordings.values()) this.guard(recording, () => recording.sync());
      let changed = false;
      for (const key of this.sources.keys()) {
        const now = this.videoFlowing(key);
        if (now !== this.flowing.has(key)) {
          changed = true;
          if (now) this.flowing.add(key);
          else this.flowing.delete(key);
        }
      }
      if (changed) this.schedule();
    }, LOOK_EVERY_MS);
    this.ticker.unref();
  }

  private liveRoot: string | undefined;

  /** The live output's directory for a composition (its playlist is live.m3u8). */
  liveDirOf(compositionId: string): string {
    this.liveRoot ??= this.options.liveDir();
    return join(this.liveRoot, compositionId);
  }

  /** Whether the video of the publisher `key` (participantKey) came within VIDEO_STOPPED_MS: else it is drawn as stopped. */
  videoFlowing(key: string): boolean {
    const last = this.lastVideo.get(key);
    return last !== undefined && Date.now() - last < VIDEO_STOPPED_MS;
  }

  private schedule(): void {
    if (this.closed || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.refresh();
    }, SETTLE_MS);
    this.settle.unref();
  }

  /** Every ACTIVE composition renders its current scenes (one per encoder configuration); the others stop rendering. */
  private refresh(): void {
    if (this.closed) return;
    const seen = new Set<string>();
    const drawn = [...this.emu.store.compositions.values()].filter((c) => c.state === 'ACTIVE' && c.destinations.some(running));
    this.keepGopsOf(new Set(drawn.map((c) => c.stageArn)));
    for (const c of drawn) {
      for (const scene of this.scenes(c)) {
        const key = `${c.arn} ${scene.encoder}`;
        seen.add(key);
        let pipeline = this.pipelines.get(key);
        if (!pipeline) this.pipelines.set(key, (pipeline = new Pipeline(this.emu, this, c.arn, scene.encoder, `${c.id}-${this.pipelineCount++}`)));
        void pipeline.show(scene).then(() => this.closeRecordings(c.arn));
      }
    }
    for (const [key, pipeline] of this.pipelines) {
      if (seen.has(key)) continue;
      this.pipelines.delete(key);
      void pipeline.stop().then(() => this.closeRecordings(pipeline.compositionArn));
    }
    for (const compositionArn of [...this.recordings.keys()]) this.closeRecordings(compositionArn);
    // The live output of a composition that is gone (purged) goes with it.
    const kept = new Set<string>();
    for (const c of this.emu.store.compositions.values()) kept.add(c.id);
    for (const id of this.liveIds) {
      if (kept.has(id)) continue;
      rmSync(this.liveDirOf(id), { recursive: true, force: true });
      this.liveIds.delete(id);
    }
  }

  private readonly liveIds = new Set<string>();
  private pipelineCount = 0;

  /** Keeps the last group of pictures of the publishers on `stages` (the stages with a composition), and of no others. */
  private keepGopsOf(stages: Set<string>): void {
    this.composing = stages;
    for (const [key, source] of this.sources) {
      if (!stages.has(source.stageArn)) this.gops.delete(key);
      else if (!this.gops.has(key)) this.gops.set(key, new LastGop());
    }
  }

  /** What `c` shows now, one scene for each encoder configuration its running destinations name. */
  private scenes(c: CompositionRec): Scene[] {
    const encoders = [...new Set(c.destinations.filter(running).map(encoderOf))];
    return encoders.map((encoder) => this.scene(c, encoder, c.destinations.filter((d) => running(d) && encoderOf(d) === encoder)));
  }

  /** `c` as encoder configuration `encoder` shows it: its stage's publishers laid out, and the streams and outputs that takes. */
  private scene(c: CompositionRec, encoder: string, destinations: DestinationRec[]): Scene {
    const video = renditionOf(this.emu, encoder);
    const canvas = { width: video.width, height: video.height };
    const sessionId = this.emu.store.stages.get(c.stageArn)?.activeSessionId;
    const members = sessionId === undefined ? [] : [...(this.emu.store.participants.get(sessionId)?.values() ?? [])];
    const publishers = members.filter((p) => p.connected && p.publishing);
    const publisherById = new Map(publishers.map((p) => [p.id, p]));
    const participants: LayoutParticipant[] = publishers.map((p) => {
      const source = this.sources.get(participantKey(p));
      const out: LayoutParticipant = { participantId: p.id, arrival: p.firstJoinTime };
      if (p.userId) out.userId = p.userId;
      if (p.attributes) out.attributes = p.attributes;
      if (source && !this.videoFlowing(participantKey(p))) out.videoStopped = true;
      return out;
    });
    const tiles = layoutTiles(c.layout as LayoutSpec, canvas, participants);
    const streams: Scene['streams'] = [];
    const streamOf = (key: string, kind: MediaKind, payloadType: number): string => {
      streams.push({ kind, payloadType, participant: key });
      return `0:${streams.length - 1}`;
    };
    const drawn: DrawnTile[] = tiles.map((tile) => {
      const p = publisherById.get(tile.participant.participantId)!;
      const key = participantKey(p);
      const source = this.sources.get(key);
      const name = p.userId || p.id;
      if (!source) return { tile, content: { placeholder: `${name} (simulated)` } };
      if (source.payloadTypes.video === undefined || !this.videoFlowing(key)) return { tile, content: { placeholder: `${name} (video stopped)` } };
      return { tile, content: { stream: streamOf(key, 'video', source.payloadTypes.video) } };
    });
    // Everyone publishing is heard, shown or not.
    const audio: string[] = [];
    for (const p of publishers) {
      const source = this.sources.get(participantKey(p));
      if (source?.payloadTypes.audio !== undefined) audio.push(streamOf(participantKey(p), 'audio', source.payloadTypes.audio));
    }
    const outputs: OutputTarget[] = [];
    for (const d of destinations) {
      const config = d.configuration as { channel?: unknown; s3?: unknown };
      if (config.channel) {
        this.liveIds.add(c.id);
        outputs.push({ kind: 'live', dir: this.liveDirOf(c.id), destinationId: d.id });
      }
      const recording = config.s3 ? this.recordingOf(c, d, video) : undefined;
      if (recording) outputs.push({ kind: 'recording', recording, destinationId: d.id });
    }
    const key = JSON.stringify({
      video,
      tiles: drawn.map(({ tile, content }) => [tile.x, tile.y, tile.width, tile.height, tile.fill, 'stream' in content ? streams[Number(content.stream.slice(2))]!.participant : content.placeholder]),
      audio: audio.map((a) => streams[Number(a.slice(2))]!.participant),
      outputs: outputs.map((o) => o.destinationId),
    });
    return { key, encoder, canvas, framerate: video.framerate, bitrate: video.bitrate, tiles: drawn, streams, audio, outputs };
  }

  /** The composite recording of S3 destination `d` (made when it first runs), or none without --s3-dir. */
  private recordingOf(c: CompositionRec, d: DestinationRec, rendition: Rendition): CompositeRecording | undefined {
    const existing = this.recordings.get(c.arn)?.get(d.id);
    if (existing || !this.options.s3Dir) return existing;
    const s3 = (d.configuration as { s3: S3Settings }).s3;
    const bucket = s3.storageConfigurationArn ? this.emu.store.storages.get(s3.storageConfigurationArn)?.s3.bucketName : undefined;
    const prefix = (d.detail as { s3?: { recordingPrefix?: string } } | undefined)?.s3?.recordingPrefix;
    if (!bucket || !prefix) return undefined;
    const thumbnails = s3.thumbnailConfigurations?.[0];
    const storage = thumbnails?.storage ?? ['SEQUENTIAL'];
    const recording = new CompositeRecording({
      dir: join(this.options.s3Dir, bucket, prefix),
      stageArn: c.stageArn,
      compositionArn: c.arn,
      destinationId: d.id,
      rendition,
      segmentSeconds: s3.recordingConfiguration?.hlsConfiguration?.targetSegmentDurationSeconds ?? 2,
      // thumbnailConfigurations: "Default: SEQUENTIAL" every 60 s; an empty list records none.
      ...(s3.thumbnailConfigurations?.length !== 0 && {
        thumbnails: { intervalSeconds: thumbnails?.targetIntervalSeconds ?? 60, sequential: storage.includes('SEQUENTIAL'), latest: storage.includes('LATEST') },
      }),
      workDir: join(this.liveDirOf(c.id), '..', `.recording-${c.id}-${d.id}`),
      now: () => this.emu.now(),
      onStarted: () => this.recordingMoved(recording.target, { state: 'ACTIVE', bucket }),
      onClosed: (outcome, durationMs) => this.recordingMoved(recording.target, { state: outcome === 'RECORDING_ENDED' ? 'STOPPED' : 'FAILED', bucket, durationMs }),
    });
    let ofComposition = this.recordings.get(c.arn);
    if (!ofComposition) this.recordings.set(c.arn, (ofComposition = new Map()));
    ofComposition.set(d.id, recording);
    return recording;
  }

  /** The destination's composite recording moved on (the composite recording events follow from it). */
  private recordingMoved({ compositionArn, destinationId }: CompositeTarget, recording: NonNullable<DestinationRec['recording']>): void {
    const c = this.emu.store.compositions.get(compositionArn);
    if (!c?.destinations.some((d) => d.id === destinationId)) return; // purged meanwhile
    const next: CompositionRec = { ...c, destinations: c.destinations.map((d) => (d.id === destinationId ? { ...d, recording } : d)) };
    this.emu.mutate([{ k: 'composition', v: next }]).catch((error: unknown) => this.emu.log(`composite recording of ${compositionArn}: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Runs `work` on a recording's files; a failure to write them is logged, never thrown. */
  private guard(recording: CompositeRecording, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.emu.log(`composite recording ${recording.target.dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Recordings of `compositionArn` whose destination is over and which no ffmpeg writes any more get their closing files. */
  private closeRecordings(compositionArn: string): void {
    const recordings = this.recordings.get(compositionArn);
    if (!recordings) return;
    const c = this.emu.store.compositions.get(compositionArn);
    for (const [destinationId, recording] of recordings) {
      if (recording.writers > 0) continue;
      const d = c?.destinations.find((x) => x.id === destinationId);
      if (d && !over(d)) continue;
      recordings.delete(destinationId);
      if (recordings.size === 0) this.recordings.delete(compositionArn);
      const storageArn = (d?.configuration as { s3?: S3Settings } | undefined)?.s3?.storageConfigurationArn;
      const bucketName = storageArn ? this.emu.store.storages.get(storageArn)?.s3.bucketName : undefined;
      const outcome = d?.state === 'STOPPED' ? 'RECORDING_ENDED' : 'RECORDING_ENDED_WITH_FAILURE';
      this.guard(recording, () => recording.close(outcome, !(bucketName && isBucketBroken(this.emu, bucketName))));
    }
  }

  /** The emulator's clock minus the wall clock ffmpeg dates its playlists by (ms). */
  clockOffset(): number {
    return this.emu.now() - Date.now();
  }

  /** The renditions being rendered, with the pid of the ffmpeg drawing each (GET /_ivsrt/media). */
  renditions(): CompositionRenditionStatus[] {
    return [...this.pipelines.values()].map((p) => p.status());
  }

  /** The source of a participant's media, for a pipeline's feed. */
  source(key: string): RtpSource | undefined {
    return this.sources.get(key);
  }

  /** A participant's video since its last key frame, for a new ffmpeg to start from (empty when none is kept). */
  lastGop(key: string): Uint8Array[] {
    return this.gops.get(key)?.replay() ?? [];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    if (this.settle) clearTimeout(this.settle);
    this.stopWatching();
    await Promise.all([...this.pipelines.values()].map((p) => p.stop()));
    this.pipelines.clear();
    if (this.liveRoot) rmSync(this.liveRoot, { recursive: true, force: true });
  }
}

/** One composition's ffmpeg: restarted with each new scene, stopped when the composition is no longer ACTIVE. */
class Pipeline {
  private scene: Scene | undefined;
  private ffmpeg: ChildProcess | undefined;
  private feed: RtpFeed | undefined;
  private unlisten: (() => void)[] = [];
  /** The composite recordings the running ffmpeg writes. */
  private writing: CompositeRecording[] = [];
  /** The restart under way; a newer scene waits for it. */
  private work: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The scene whose ffmpeg died, and how many times it has been started again. */
  private restarts = { key: '', count: 0 };

  constructor(
    private readonly emu: Emulator,
    /** The renderer that runs it: the publishers' media and the live directory. */
    private readonly renderer: CompositionRenderer,
    /** The composition it draws, whose recordings are closed once it stops. */
    readonly compositionArn: string,
    /** The encoder configuration it encodes with ('' for the defaults). */
    private readonly encoder: string,
    /** Names its session description and its log lines: the composition's id and a serial number. */
    private readonly compositionId: string,
  ) {}

  /** What it renders, and the pid of the ffmpeg drawing it now. */
  status(): CompositionRenditionStatus {
    const out: CompositionRenditionStatus = { compositionArn: this.compositionArn };
    if (this.encoder) out.encoderConfigurationArn = this.encoder;
    if (this.ffmpeg?.pid !== undefined && this.ffmpeg.exitCode === null && this.ffmpeg.signalCode === null) out.ffmpegPid = this.ffmpeg.pid;
    return out;
  }

  /** Renders `scene` from now on; resolves once the ffmpeg drawing the previous one has stopped (and the new one started). */
  show(scene: Scene): Promise<void> {
    if (this.stopped || scene.key === this.scene?.key) return this.work;
    this.scene = scene;
    this.work = this.work.then(async () => {
      if (this.scene !== scene || this.stopped) return; // a newer scene came meanwhile
      await this.halt();
      if (this.scene === scene && !this.stopped) await this.start(scene);
    }).catch((error: unknown) => {
      // One failed restart must not stop every later one (they chain on this promise).
      this.emu.log(`composition ${this.compositionId}: could not render: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    return this.work;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.work = this.work.then(() => this.halt());
    return this.work;
  }

  private async start(scene: Scene): Promise<void> {
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) {
      this.emu.log('composition: ffmpeg is not on PATH, so the composition is not rendered (install ffmpeg)');
      return;
    }
    if (scene.outputs.length === 0) return;
    const renderer = this.renderer;
    // The progress report (key=value lines on stdout) counts the frames encoded: see HEALTHY_SECONDS.
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-progress', 'pipe:1'];
    let work: string | undefined;
    const unprimed: RtpSource[] = [];
    if (scene.streams.length > 0) {
      const feed = (this.feed = new RtpFeed(scene.streams));
      scene.streams.forEach((s, i) => {
        const source = renderer.source(s.participant);
        if (!source) return;
        // Each video starts from its last key frame, so ffmpeg need not wait for the next one.
        if (s.kind === 'video') {
          const gop = renderer.lastGop(s.participant);
          for (const packet of gop) feed.send(i, packet);
          if (gop.length === 0) unprimed.push(source);
        }
        this.unlisten.push(source.listen((kind, data) => kind === s.kind && feed.send(i, data)));
      });
      // A video with no key frame kept waits for the next one: its publisher is asked for one now, so that it
      // comes while ffmpeg starts (the feed holds it until ffmpeg listens) rather than after.
      for (const source of unprimed) source.requestKeyframe();
      await feed.open();
      work = join(renderer.liveDirOf(this.compositionId), '..', `.${this.compositionId}.sdp`);
      writeFileSync(work, feed.sdp('ivsrt composition'));
      // Probing ends with every stream's first parameter sets (a key frame; 3 s at the most) and guesses no
      // frame rate (-fpsprobesize 0: the canvas sets the output's); guessing it from 20 frames of every
      // stream held each re-layout back about a second and a half (bench/composition.mjs). The packets
      // probing read are decoded after it (no `nobuffer`, which drops them): they hold the key frames, and
      // without them each video waited for its next key frame a second time.
      args.push('-protocol_whitelist', 'file,udp,rtp', '-analyzeduration', '3000000', '-probesize', '5000000', '-fpsprobesize', '0', '-fflags', '+genpts', '-i', work);
    }
    let graph = compositionGraph({ canvas: scene.canvas, framerate: scene.framerate, tiles: scene.tiles, audio: scene.audio });
    let video = 'vout';
    // With no live input nothing paces the generated canvas: it is held to real time.
    if (!scene.streams.some((s) => s.kind === 'video')) {
      graph += ';[vout]realtime[vpaced]';
      video = 'vpaced';
    }
    // Thumbnails: the composited picture, one frame every interval, split off before encoding.
    const taps: string[] = [];
    const thumbnails: string[] = [];
    for (const output of scene.outputs) {
      if (output.kind !== 'recording') continue;
      const every = output.recording.target.thumbnails?.intervalSeconds;
      thumbnails.push(
        ...output.recording.thumbnailArgs(() => {
          const label = `thumb${taps.length}`;
          taps.push(`[${label}in]fps=1/${every}[${label}]`);
          return ['-map', `[${label}]`];
        }),
      );
    }
    if (taps.length > 0) {
      graph += `;[${video}]split=${taps.length + 1}[venc]${taps.map((_, i) => `[thumb${i}in]`).join('')};${taps.join(';')}`;
      video = 'venc';
    }
    args.push('-filter_complex', graph, '-map', `[${video}]`, '-map', '[aout]');
    const keyint = Math.max(1, Math.round(scene.framerate * LIVE_SEGMENT_SECONDS));
    args.push(
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      // A key frame every half second: the live output's segments are that long, so a new layout reaches a player soon.
      '-r', String(scene.framerate), '-g', String(keyint), '-keyint_min', String(keyint), '-sc_threshold', '0',
      '-b:v', String(scene.bitrate), '-maxrate', String(scene.bitrate), '-bufsize', String(scene.bitrate * 2),
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
    );
    args.push(...outputArgs(scene.outputs), ...thumbnails);
    const child = spawnTied(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.ffmpeg = child;
    this.writing = scene.outputs.flatMap((o) => (o.kind === 'recording' ? [o.recording] : []));
    for (const recording of this.writing) recording.writers++;
    let errors = '';
    child.stderr!.on('data', (c: Buffer) => (errors = (errors + c.toString()).slice(-2000)));
    const healthyFrames = scene.framerate * HEALTHY_SECONDS;
    let healthy = false;
    // Read to the end whatever it says, so that the pipe never fills and holds ffmpeg up.
    child.stdout!.on('data', (c: Buffer) => {
      if (healthy || this.ffmpeg !== child) return;
      const frames = Math.max(0, ...[...c.toString().matchAll(/^frame=(\d+)/gm)].map((m) => Number(m[1])));
      if (frames < healthyFrames) return;
      healthy = true;
      if (this.restarts.count === 0) return;
      this.emu.log(`composition ${this.compositionId}: ffmpeg has drawn ${HEALTHY_SECONDS} s since it was started again; its restarts count from 0`);
      this.restarts = { key: '', count: 0 };
    });
    child.once('exit', (code, signal) => {
      if (this.ffmpeg !== child || this.stopped || !(code || signal)) return;
      this.emu.log(`composition ${this.compositionId}: ffmpeg exited with ${code ?? signal}: ${errors.trim().split('\n').slice(-3).join(' / ')}`);
      // It is started again on fresh ports: another process can bind one of the feed's ports between its
      // choice and ffmpeg's own bind ("bind failed: Address already in use"), and the picture would stay dark
      // until the next change. A scene that keeps failing is left after a few tries.
      if (this.scene !== scene) return; // a newer scene is on its way
      if (this.restarts.key !== scene.key) this.restarts = { key: scene.key, count: 0 };
      if (++this.restarts.count > MAX_RESTARTS) return;
      this.scene = undefined;
      void this.show(scene);
    });
    await this.feed?.release(child, () => this.ffmpeg !== child);
  }

  /** Ends the running ffmpeg (it finishes its segment on SIGINT, acting on it as packets arrive; killed if it cannot) and its feed. */
  private async halt(): Promise<void> {
    const child = this.ffmpeg;
    this.ffmpeg = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    }
    for (const stop of this.unlisten.splice(0)) stop();
    this.feed?.close();
    this.feed = undefined;
    for (const recording of this.writing.splice(0)) recording.writers--;
  }
}
