// WHIP ingest (RFC 9725) into the emulator's stages. A client POSTs an SDP offer with a participant token
// as its Bearer credential (the route is the front's, http/whip-routes.ts, which calls publish() here through
// WhipMedia); the participant joins with that token's identity (the same admission and
// join as `local join`), ICE/DTLS/SRTP run in libdatachannel (node-datachannel, loaded only when the first
// offer arrives), and the participant publishes once the connection is up. The media is measured
// (meter.ts) and held to the stage's media rules; DELETE on the session URL ends it.
import { randomBytes } from 'node:crypto';
import type { PeerConnection, Track } from 'node-datachannel';
import { admit, publish, publishRefused, sessionMembers, unpublish } from '../../domain/activity.js';
import type { Emulator } from '../../domain/emulator.js';
import { isBucketBroken } from '../../domain/faults.js';
import { current } from '../../domain/participant-record.js';
import { isRecording, recordByMedia, recordingMediaArrived, recordingMediaStopped } from '../../domain/recording.js';
import { CAN_PUBLISH, participantKey, type Op, type ParticipantRec } from '../../state/store.js';
import { join } from 'node:path';
import { parseRtp } from '../../../media/rtp.js';
import { Forwarder } from './forward.js';
import { MediaMeter, type MediaStats } from './meter.js';
import { Presence } from '../../domain/presence.js';
import type { MediaKind, RtpListener, RtpSource, RtpSources, RtpSourceWatcher } from './rtp-source.js';
import { Recorder, type PayloadTypes, type RecordedMedia } from './recorder.js';
import { asDtlsServer, narrowOffer } from './sdp.js';
import { Subscriptions, type WhipSubscriber } from './subscribe.js';
import { answerOffer, loadDatachannel, offeredAudioVideo, releaseDatachannel, WhipError, type WhipAnswer } from './webrtc.js';

export const WHIP_PREFIX = '/whip';
/** A session's URL is `<emulator>/whip/session/<id>`, for a publish and a subscription alike. */
export const SESSION_PREFIX = `${WHIP_PREFIX}/session/`;

/** The service's publish limits (service quotas page: "Participant publish resolution 720p", "bitrate 8.5 Mbps"). */
export interface MediaLimits {
  /** Bits per second of audio and video together. */
  maxBitrate: number;
  /** 720p in either orientation: the long side at most 1280, the short side at most 720. */
  maxLongSide: number;
  maxShortSide: number;
  /** Bits per second a participant may receive, all its subscriptions together ("Participant download bitrate"). */
  maxDownloadBitrate: number;
}

const MEDIA_LIMITS: MediaLimits = { maxBitrate: 8_500_000, maxLongSide: 1280, maxShortSide: 720, maxDownloadBitrate: 8_500_000 };

/** The codecs a stage accepts, by media kind (encoding names as in SDP rtpmap, upper case). */
const ACCEPTED_CODECS: Record<string, string> = { video: 'H264', audio: 'OPUS' };
const CODEC_ERRORS: Record<string, string> = { video: 'INVALID_VIDEO_CODEC', audio: 'INVALID_AUDIO_CODEC' };
/** Seconds of media the bitrate is judged over before a breach counts (a key frame alone can spike it). */
const BITRATE_GRACE_SECONDS = 2;
/**
 * Rates are measured from this long after PUBLISH_STARTED: a client flushes the media it encoded while
 * ICE and DTLS were connecting in a burst (about twice its rate over the first seconds, measured with
 * GStreamer), which says nothing about the stream it sends.
 */
const WARM_UP_MS = 2_000;

export interface WhipPublisher {
  sessionUrl: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  userId?: string;
  connectionState: string;
  /** Epoch ms of the POST, and of PUBLISH_STARTED once media flows. */
  postedAt: number;
  publishStartedAt?: number;
  media: MediaStats;
}

export type { MediaKind, RtpListener, RtpSource, RtpSources, RtpSourceWatcher } from './rtp-source.js';

interface WhipSession {
  id: string;
  token: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  pc: PeerConnection;
  /** Held so the garbage collector cannot take a track (and its message callback) while media flows. */
  tracks: Track[];
  meter: MediaMeter;
  ticker: NodeJS.Timeout;
  state: string;
  postedAt: number;
  publishStartedAt?: number;
  ended: boolean;
  /** The first RTP packet has arrived (it starts the recording). */
  mediaArrived: boolean;
  /** Individual participant recording, when the stage records and the emulator has an --s3-dir. */
  recorder?: Recorder;
  /** Other consumers of the media (watchRtpSources), from PUBLISH_STARTED. */
  listeners: Set<RtpListener>;
  source?: RtpSource;
}

/** What the front's media routes (http/whip-routes.ts) ask of the media engine, once they have read the request. */
export interface WhipMedia {
  /** Publishes `offer` for the token's participant on the stage at `host` ('' at the endpoint itself), as `participantId` if named. */
  publish(host: string, token: string, offer: string, participantId?: string): Promise<WhipAnswer>;
  /** Subscribes the token's participant on the stage at `host` to `publisherId`'s media. */
  subscribe(host: string, token: string, offer: string, publisherId: string): Promise<WhipAnswer>;
  /** What `<emulator>/whip/session/<id>` is: a publish, a subscription, or nothing (ended, or never created). */
  sessionKind(id: string): 'publish' | 'subscribe' | undefined;
  /** Ends the session `id` if `token` is the one it was created with; false (and nothing ended) if not. */
  endSession(id: string, token: string): boolean;
  /** Whether `p` has a WebRTC connection here (a publish or a subscription). */
  onWebRtc(p: { sessionId: string; id: string }): boolean;
}

export class WhipIngest implements RtpSources, WhipMedia {
  private readonly sessions = new Map<string, WhipSession>();
  /** Media being written out (ffmpeg closing the playlist) and metadata being written; close() waits for them. */
  private readonly recordings = new Set<Promise<void>>();
  /**
   * Recorders by `sessionId/participantId`, from the recording's first media until it is over (STOPPED or
   * FAILED, which comes after the WHIP session when a reconnect window holds the recording open).
   */
  private readonly recorders = new Map<string, Recorder>();
  /** When each recording being closed reached STOPPED or FAILED: the moment its Recording End event carries. */
  private readonly closedAt = new Map<string, number>();
  private readonly forwarder = new Forwarder();
  /** Consumers of the publishers' media (the forwarder, the composition renderer): watchRtpSources. */
  private readonly watchers = new Set<RtpSourceWatcher>();
  private readonly presence: Presence;
  private readonly subscriptions: Subscriptions;

  constructor(
    private readonly emu: Emulator,
    /** The emulator's base URL; the WHIP endpoint is `<url>/whip`. */
    private readonly url: string,
    private readonly limits: MediaLimits = MEDIA_LIMITS,
    /** Where recordings go (DIR/<bucket>/<prefix>); none when absent. */
    private readonly s3Dir?: string,
  ) {
    this.presence = new Presence(emu);
    this.subscriptions = new Subscriptions(emu, `${url}${SESSION_PREFIX}`, this.forwarder, this.presence, limits.maxDownloadBitrate, (key) => this.bitrateOf(key));
    this.watchRtpSources(this.forwarder);
    // The moment a recording ends is taken as the change is made (when the event deriver stamps Recording
    // End), and its file written once the change is durable.
    emu.addDeriver((ops) => {
      for (const p of closings(ops)) if (this.recorders.has(participantKey(p))) this.closedAt.set(participantKey(p), emu.now());
      return [];
    });
    emu.onCommitted((ops) => this.onCommitted(ops));
  }

  sessionKind(id: string): 'publish' | 'subscribe' | undefined {
    if (this.sessions.has(id)) return 'publish';
    return this.subscriptions.has(id) ? 'subscribe' : undefined;
  }

  endSession(id: string, token: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return this.subscriptions.endSession(id, token);
    if (token !== session.token) return false;
    this.end(session);
    return true;
  }

  subscribe(host: string, token: string, offer: string, publisherId: string): Promise<WhipAnswer> {
    return this.subscriptions.subscribe(host, token, offer, publisherId);
  }

  onWebRtc(p: { sessionId: string; id: string }): boolean {
    return this.presence.holds(p);
  }

  /** Watches the WHIP publishers (those publishing already are `added` at once); returns what stops it. */
  watchRtpSources(watcher: RtpSourceWatcher): () => void {
    this.watchers.add(watcher);
    for (const source of this.sources()) watcher.added(source);
    return () => this.watchers.delete(watcher);
  }

  /** The WHIP publishers with their measured media. */
  publishers(): WhipPublisher[] {
    return [...this.sessions.values()].map((s) => {
      const p = this.participant(s);
      const out: WhipPublisher = {
        sessionUrl: this.sessionUrl(s.id),
        stageArn: s.stageArn,
        sessionId: s.sessionId,
        participantId: s.participantId,
        connectionState: s.state,
        postedAt: s.postedAt,
        media: s.meter.stats(),
      };
      if (p?.userId !== undefined) out.userId = p.userId;
      if (s.publishStartedAt !== undefined) out.publishStartedAt = s.publishStartedAt;
      return out;
    });
  }

  /** The subscriptions of the subscribe route, with the packets forwarded to each. */
  subscribers(): WhipSubscriber[] {
    return this.subscriptions.subscribers();
  }

  /** Ends every session and subscription (the participants leave) and releases libdatachannel. */
  async close(): Promise<void> {
    this.subscriptions.close();
    for (const session of [...this.sessions.values()]) this.end(session);
    await Promise.all(this.recordings);
    await releaseDatachannel();
  }

  /** A WHIP publisher's measured bitrate; 0 for a participant that publishes no media here. */
  private bitrateOf(key: string): number {
    for (const s of this.sessions.values()) if (participantKey({ sessionId: s.sessionId, id: s.participantId }) === key) return s.meter.stats().bitrate;
    return 0;
  }

  private sessionUrl(id: string): string {
    return `${this.url}${SESSION_PREFIX}${id}`;
  }

  /** A WHIP publish: at the endpoint itself (RFC 9725), or at `<whip_url>/publish/<participantId>` naming the token's participant. */
  async publish(host: string, token: string, offer: string, participantId?: string): Promise<WhipAnswer> {
    const media = offeredAudioVideo(offer);

    const { stage, grant } = admit(this.emu, token);
    if (host !== '' && host !== stage.host) throw new WhipError(403, `this token is for stage ${stage.arn}, whose WHIP endpoint is ${this.url}${WHIP_PREFIX}/${stage.host}`);
    if (participantId !== undefined && participantId !== grant.participantId) {
      throw new WhipError(403, `this token is participant ${grant.participantId}'s; it cannot publish as ${participantId}`);
    }
    const postedAt = Date.now();
    const p = this.presence.enter(stage, grant);
    if (p.publishing) {
      this.presence.leave(p);
      throw new WhipError(409, `participant ${p.id} is already publishing on stage ${stage.arn}`);
    }
    const refuse = (status: number, message: string, errorCode?: string): never => {
      if (errorCode) publishRefused(this.emu, p, errorCode);
      this.presence.leave(p);
      throw new WhipError(status, message);
    };
    if (!(p.capabilities & CAN_PUBLISH)) {
      try {
        publish(this.emu, p); // records PUBLISH_ERROR INSUFFICIENT_CAPABILITIES, as for any client
      } catch (error) {
        refuse(403, error instanceof Error ? error.message : String(error));
      }
    }
    for (const m of media) {
      if (![...m.codecs.values()].includes(ACCEPTED_CODECS[m.kind]!)) {
        refuse(400, `the ${m.kind} section offers ${[...m.codecs.values()].join(', ') || 'no codec'}; a stage takes ${ACCEPTED_CODECS[m.kind]} ${m.kind} only`, CODEC_ERRORS[m.kind]);
      }
    }
    const { publishing } = sessionMembers(this.emu, p.sessionId);
    const pending = [...this.sessions.values()].filter((s) => s.sessionId === p.sessionId && s.publishStartedAt === undefined).length;
    if (publishing + pending >= this.emu.quotas.publishersPerStage) {
      refuse(403, `stage ${stage.arn} already has ${this.emu.quotas.publishersPerStage} publishers`, 'QUOTA_EXCEEDED');
    }

    let session: WhipSession;
    try {
      session = await this.connect(offer, token, p, postedAt);
    } catch (error) {
      return refuse(500, `could not set up the WebRTC connection: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { sessionUrl: this.sessionUrl(session.id), sdp: session.pc.localDescription()!.sdp };
  }

  private async connect(offer: string, token: string, p: ParticipantRec, postedAt: number): Promise<WhipSession> {
    const ndc = await loadDatachannel(this.emu);
    const pc = new ndc.PeerConnection(`whip-${p.id}`, { iceServers: [] });
    const now = Date.now();
    const session: WhipSession = {
      id: randomBytes(18).toString('base64url'),
      token,
      stageArn: p.stageArn,
      sessionId: p.sessionId,
      participantId: p.id,
      pc,
      tracks: [],
      meter: new MediaMeter(now),
      ticker: setInterval(() => this.tick(session), 1_000),
      state: 'new',
      postedAt,
      ended: false,
      mediaArrived: false,
      listeners: new Set(),
    };
    session.ticker.unref();
    pc.onStateChange((state) => this.onState(session, state));
    pc.onTrack((track) => {
      session.tracks.push(track);
      const kind = track.type();
      // Receiver reports go back to the publisher, and subscribers' key frame requests reach it as PLIs.
      track.setMediaHandler(new ndc.RtcpReceivingSession());
      if (kind === 'video') session.meter.videoCodec = ACCEPTED_CODECS.video;
      else if (kind === 'audio') session.meter.audioCodec = ACCEPTED_CODECS.audio;
      track.onMessage((data) => {
        if (session.ended) return;
        if (!session.mediaArrived) this.firstMedia(session);
        const media: MediaKind = kind === 'audio' ? 'audio' : 'video';
        // The one parse of the packet: the recorder, the other consumers and the meter take it from here.
        const rtp = parseRtp(data);
        session.recorder?.packet(media, data, rtp);
        for (const listener of session.listeners) listener(media, data, rtp);
        if (!rtp) return; // RTCP on the track's port: no media to measure
        if (kind === 'audio') {
          session.meter.audio(rtp);
          return;
        }
        const size = session.meter.video(rtp);
        if (size && !this.withinResolution(size.width, size.height)) {
          this.refuse(session, 'RESOLUTION_EXCEEDED', `${size.width}x${size.height} is above 720p`);
        }
      });
    });
    try {
      await answerOffer(pc, asDtlsServer(narrowOffer(offer, ACCEPTED_CODECS)));
    } catch (error) {
      clearInterval(session.ticker);
      pc.close();
      throw error;
    }
    this.sessions.set(session.id, session);
    return session;
  }

  private withinResolution(width: number, height: number): boolean {
    return Math.max(width, height) <= this.limits.maxLongSide && Math.min(width, height) <= this.limits.maxShortSide;
  }

  private participant(session: WhipSession): ParticipantRec | undefined {
    return sessionMembers(this.emu, session.sessionId).get(session.participantId);
  }

  private onState(session: WhipSession, state: string): void {
    session.state = state;
    if (session.ended) return;
    if (state === 'connected') {
      const p = this.participant(session);
      if (!p?.connected) return this.end(session);
      try {
        recordByMedia(this.emu, p, true);
        publish(this.emu, p);
        session.publishStartedAt = Date.now();
        session.recorder = this.recorderFor(session);
        session.source = this.sourceOf(session);
        for (const watcher of this.watchers) watcher.added(session.source);
      } catch (error) {
        this.emu.log(`whip: ${p.id} cannot publish: ${error instanceof Error ? error.message : String(error)}`);
        this.end(session);
      }
    } else if (state === 'disconnected' || state === 'failed' || state === 'closed') {
      this.end(session);
    }
  }

  private tick(session: WhipSession): void {
    const now = Date.now();
    if (session.publishStartedAt === undefined || now - session.publishStartedAt < WARM_UP_MS) {
      session.meter.restart(now);
      return;
    }
    session.meter.tick(now);
    if (session.ended || session.meter.measuredSeconds < BITRATE_GRACE_SECONDS) return;
    const { bitrate } = session.meter.stats();
    if (bitrate > this.limits.maxBitrate) this.refuse(session, 'BITRATE_EXCEEDED', `${bitrate} bps is above ${this.limits.maxBitrate}`);
  }

  /** A media rule broken: the documented error event, then the emulator ends the session. */
  private refuse(session: WhipSession, errorCode: string, why: string): void {
    const p = this.participant(session);
    this.emu.log(`whip: ${session.participantId} ${errorCode}: ${why}`);
    if (p?.connected) publishRefused(this.emu, p, errorCode);
    this.end(session);
  }

  /** The participant leaves (PUBLISH_STOPPED, LEFT) and the connection closes. Safe to call twice. */
  private end(session: WhipSession): void {
    if (session.ended) return;
    session.ended = true;
    clearInterval(session.ticker);
    this.sessions.delete(session.id);
    if (session.source) for (const watcher of this.watchers) watcher.removed(session.source);
    session.listeners.clear();
    const p = this.participant(session);
    // Its subscribers' subscriptions end as it stops publishing (activity.ts unpublish); it leaves with its last connection.
    if (p?.connected) unpublish(this.emu, p);
    this.presence.leave({ sessionId: session.sessionId, id: session.participantId });
    // libdatachannel calls back into onStateChange while closing; `ended` makes that a no-op.
    session.pc.close();
    // The media has stopped: once it is written out, the recording's reconnect window starts (recording.ts).
    const written = session.recorder?.stopMedia() ?? Promise.resolve();
    this.track(
      written.then(() => {
        const q = p && current(this.emu, p);
        if (!q) return;
        recordingMediaStopped(this.emu, q);
        // Nothing left to record (never recorded, or nothing was recorded): the next recording is up to how it publishes.
        if (!isRecording(current(this.emu, q)) && !this.recorders.has(participantKey(q))) recordByMedia(this.emu, q, false);
      }),
    );
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.emu.log(`recording: ${error instanceof Error ? error.message : String(error)}`));
    this.recordings.add(tracked);
    void tracked.then(() => this.recordings.delete(tracked));
  }

  /** The first RTP packet of a session: the recording starts on real media (Recording Start, recording-started.json). */
  private firstMedia(session: WhipSession): void {
    session.mediaArrived = true;
    const p = this.participant(session);
    const q = p && recordingMediaArrived(this.emu, p);
    if (session.recorder && q?.recordingState === 'ACTIVE' && q.recordingStartTime !== undefined) session.recorder.start(q.recordingStartTime);
  }

  /** Committed recording states: a recording that is over gets its closing metadata file, once its media is written out. */
  private onCommitted(ops: readonly Op[]): void {
    for (const p of closings(ops)) {
      const recorder = this.recorders.get(participantKey(p));
      if (recorder) {
        const outcome = p.recordingState === 'STOPPED' ? 'RECORDING_ENDED' : recorder.started ? 'RECORDING_ENDED_WITH_FAILURE' : 'RECORDING_START_FAILED';
        // A publisher gone before its first media has nothing recorded, so no file; a broken bucket takes none.
        const writes = (recorder.started || outcome !== 'RECORDING_ENDED') && !isBucketBroken(this.emu, p.recordingBucket ?? '');
        this.track(recorder.close(outcome, this.closedAt.get(participantKey(p)) ?? this.emu.now(), writes));
      }
      this.recordingOver(p);
    }
  }

  /** `p` records no more: its recorder goes, and its next recording follows its media only if it publishes over WHIP again. */
  private recordingOver(p: ParticipantRec): void {
    this.recorders.delete(participantKey(p));
    this.closedAt.delete(participantKey(p));
    const live = [...this.sessions.values()].some((s) => s.sessionId === p.sessionId && s.participantId === p.id);
    if (!live) recordByMedia(this.emu, p, false);
  }

  /**
   * The recorder of the participant's recording when there is a bucket directory: the one it already has
   * when it came back within the reconnect window, or a new one when its publish started a recording.
   */
  private recorderFor(session: WhipSession): Recorder | undefined {
    const p = this.participant(session);
    if (!this.s3Dir || !p || !isRecording(p) || !p.recordingBucket || !p.recordingPrefix) return undefined;
    const media = payloadTypes(session);
    const existing = this.recorders.get(participantKey(p));
    if (existing) {
      this.track(existing.resume(media, () => requestKeyframe(session)));
      return existing;
    }
    const stage = this.emu.store.stages.get(p.stageArn);
    const hls = stage?.autoRecording?.hlsConfiguration as { targetSegmentDurationSeconds?: number } | undefined;
    const thumbs = stage?.autoRecording?.thumbnailConfiguration as { recordingMode?: string; storage?: string[]; targetIntervalSeconds?: number } | undefined;
    const recorder = new Recorder(
      {
        dir: join(this.s3Dir, p.recordingBucket, p.recordingPrefix),
        stageArn: p.stageArn,
        sessionId: p.sessionId,
        participantId: p.id,
        segmentSeconds: hls?.targetSegmentDurationSeconds ?? 6,
        mediaTypes: ((stage?.autoRecording?.mediaTypes as RecordedMedia[] | undefined)?.[0] ?? 'AUDIO_VIDEO'),
        now: () => this.emu.now(),
        ...(thumbs?.recordingMode === 'INTERVAL' && {
          thumbnails: {
            intervalSeconds: thumbs.targetIntervalSeconds ?? 60,
            sequential: thumbs.storage?.includes('SEQUENTIAL') ?? true,
            latest: thumbs.storage?.includes('LATEST') ?? false,
          },
        }),
      },
      this.emu.log,
    );
    this.recorders.set(participantKey(p), recorder);
    this.track(recorder.listen(media, () => requestKeyframe(session)));
    return recorder;
  }

  /** The publishers whose media flows now, as RTP sources. */
  sources(): RtpSource[] {
    return [...this.sessions.values()].flatMap((s) => (s.source && !s.ended ? [s.source] : []));
  }

  private sourceOf(session: WhipSession): RtpSource {
    return {
      stageArn: session.stageArn,
      sessionId: session.sessionId,
      participantId: session.participantId,
      payloadTypes: payloadTypes(session),
      listen: (listener) => {
        if (!session.ended) session.listeners.add(listener);
        return () => session.listeners.delete(listener);
      },
      requestKeyframe: () => requestKeyframe(session),
    };
  }
}

/**
 * Asks the publisher for a key frame: an RTCP PLI on its video track (RFC 4585 §6.3.1). A track not open
 * yet, or already torn down by the peer, is skipped (libdatachannel throws on a destroyed one): callers ask
 * again while they wait.
 */
function requestKeyframe(session: WhipSession): void {
  for (const track of session.tracks) {
    if (track.type() !== 'video' || session.ended || !track.isOpen()) continue;
    try {
      track.requestKeyframe();
    } catch {
      // closed between the check and the request
    }
  }
}

/** The payload type the answer gives each kind of media (the first of its m= line). */
function payloadTypes(session: WhipSession): PayloadTypes {
  const sdp = session.pc.localDescription()?.sdp ?? '';
  const first = (kind: MediaKind): number | undefined => {
    const m = new RegExp(`^m=${kind} \\d+ \\S+ (\\d+)`, 'm').exec(sdp);
    return m ? Number(m[1]) : undefined;
  };
  return { video: first('video'), audio: first('audio') };
}

/** The participants whose recording `ops` end (STOPPED) or fail (FAILED). */
function closings(ops: readonly Op[]): ParticipantRec[] {
  const out: ParticipantRec[] = [];
  for (const op of ops) if (op.k === 'participant' && (op.v.recordingState === 'STOPPED' || op.v.recordingState === 'FAILED')) out.push(op.v);
  return out;
}
