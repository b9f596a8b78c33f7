// Subscribing to a stage's publisher over WebRTC, as AWS's aiortc samples do it against the service
// (behaviour reference §13): `POST <whip_url>/subscribe/<participantId>` with the participant token as
// Bearer and an SDP offer that receives audio and video; `201` with the answer and a Location whose DELETE
// ends the subscription (the route is the front's, http/whip-routes.ts). The subscriber is a participant (JOINED ... LEFT, through presence.ts) whose
// subscription is SUBSCRIBE_STARTED here and SUBSCRIBE_STOPPED when either side ends; the media is the
// publisher's own RTP, forwarded by forward.ts.
import { randomBytes, randomInt } from 'node:crypto';
import type { PeerConnection, Track } from 'node-datachannel';
import { admit, sessionMembers, subscribe, unsubscribe } from '../../domain/activity.js';
import type { Emulator } from '../../domain/emulator.js';
import { ApiError } from '../../state/errors.js';
import { participantKey, type Op, type ParticipantRec } from '../../state/store.js';
import { Forwarder, asksForKeyframe, type Sink, type Subscription } from './forward.js';
import type { MediaKind } from './rtp-source.js';
import type { Presence } from '../../domain/presence.js';
import { asDtlsServer, type OfferedMedia } from './sdp.js';
import { answerOffer, loadDatachannel, offeredAudioVideo, WhipError, type WhipAnswer } from './webrtc.js';

export interface WhipSubscriber {
  sessionUrl: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  /** The participant whose media this subscription receives. */
  publisherId: string;
  connectionState: string;
  /** Epoch ms of the POST. */
  postedAt: number;
  videoPacketsSent: number;
  audioPacketsSent: number;
}

interface SubscribeSession {
  id: string;
  token: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  publisherId: string;
  pc: PeerConnection;
  subscription: Subscription;
  state: string;
  postedAt: number;
  ended: boolean;
}

/** The SubscribeError codes the service documents, by the activity layer's refusal (activity.ts subscribe). */
const REFUSALS: Record<string, [status: number, code: string]> = {
  AccessDeniedException: [403, 'INSUFFICIENT_CAPABILITIES'],
  ResourceNotFoundException: [404, 'PUBLISHER_NOT_FOUND'],
  ServiceQuotaExceededException: [403, 'QUOTA_EXCEEDED'],
};

export class Subscriptions {
  private readonly sessions = new Map<string, SubscribeSession>();

  constructor(
    private readonly emu: Emulator,
    /** `<emulator>/whip/session/`: a subscription's Location is this plus its id. */
    private readonly sessionBase: string,
    private readonly forwarder: Forwarder,
    private readonly presence: Presence,
    /** The most a participant may download (bits per second, all its subscriptions together). */
    private readonly maxDownloadBitrate: number,
    /** A publisher's measured bitrate (0 for one without media, such as a simulated one). */
    private readonly bitrateOf: (publisherKey: string) => number,
  ) {
    emu.onCommitted((ops) => this.onCommitted(ops));
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  subscribers(): WhipSubscriber[] {
    return [...this.sessions.values()].map((s) => ({
      sessionUrl: this.sessionBase + s.id,
      stageArn: s.stageArn,
      sessionId: s.sessionId,
      participantId: s.participantId,
      publisherId: s.publisherId,
      connectionState: s.state,
      postedAt: s.postedAt,
      videoPacketsSent: s.subscription.video?.packets ?? 0,
      audioPacketsSent: s.subscription.audio?.packets ?? 0,
    }));
  }

  /** `POST <whip_url>/subscribe/<publisherId>`, once the route has read the token and the offer. */
  async subscribe(host: string, token: string, offer: string, publisherId: string): Promise<WhipAnswer> {
    const media = offeredAudioVideo(offer);
    const { stage, grant } = admit(this.emu, token);
    if (host !== stage.host) throw new WhipError(403, `this token is for stage ${stage.arn}, whose WHIP endpoint ends in /whip/${stage.host}`);
    const postedAt = Date.now();
    const p = this.presence.enter(stage, grant);
    const publisherKey = participantKey({ sessionId: p.sessionId, id: publisherId });
    if (p.subscriptions?.includes(publisherId)) {
      this.presence.leave(p);
      throw new WhipError(409, `participant ${p.id} already subscribes to ${publisherId}; DELETE that subscription first`);
    }
    try {
      subscribe(this.emu, p, publisherId, (publisher) => this.downloadOver(p, publisher));
    } catch (error) {
      this.presence.leave(p);
      const refusal = error instanceof ApiError ? REFUSALS[error.type] : undefined;
      if (refusal) throw new WhipError(refusal[0], error instanceof Error ? error.message : String(error), {}, refusal[1]);
      throw error;
    }
    let session: SubscribeSession;
    try {
      session = await this.connect(offer, media, token, p, publisherId, postedAt);
    } catch (error) {
      this.release(p, publisherId);
      if (error instanceof WhipError) throw error;
      throw new WhipError(500, `could not set up the WebRTC connection: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.forwarder.subscribe(publisherKey, session.subscription);
    return { sessionUrl: this.sessionBase + session.id, sdp: session.pc.localDescription()!.sdp };
  }

  /** Ends subscription `id` if `token` is the one it was created with; false (and nothing ended) if not, or if there is no such subscription. */
  endSession(id: string, token: string): boolean {
    const session = this.sessions.get(id);
    if (!session || token !== session.token) return false;
    this.end(session);
    return true;
  }

  /** Ends every subscription (the subscribers leave). */
  close(): void {
    for (const session of [...this.sessions.values()]) this.end(session);
  }

  /** Why subscribing `p` to `publisher` would take its download over the cap, if it would. */
  private downloadOver(p: ParticipantRec, publisher: ParticipantRec): string | undefined {
    let download = this.bitrateOf(participantKey(publisher));
    for (const s of this.sessions.values()) {
      if (s.sessionId === p.sessionId && s.participantId === p.id) download += this.bitrateOf(participantKey({ sessionId: s.sessionId, id: s.publisherId }));
    }
    if (download <= this.maxDownloadBitrate) return undefined;
    return `participant ${p.id} would download ${download} bps, above the ${this.maxDownloadBitrate} bps a participant may`;
  }

  private async connect(offer: string, media: OfferedMedia[], token: string, p: ParticipantRec, publisherId: string, postedAt: number): Promise<SubscribeSession> {
    const ndc = await loadDatachannel(this.emu);
    const pc = new ndc.PeerConnection(`subscribe-${p.id}`, { iceServers: [] });
    const publisherKey = participantKey({ sessionId: p.sessionId, id: publisherId });
    const session: SubscribeSession = {
      id: randomBytes(18).toString('base64url'),
      token,
      stageArn: p.stageArn,
      sessionId: p.sessionId,
      participantId: p.id,
      publisherId,
      pc,
      subscription: {},
      state: 'new',
      postedAt,
      ended: false,
    };
    // The answer's sections are made here, before the offer is applied, so that they name the SSRCs the
    // forwarded packets will carry and the one codec each sends (libdatachannel answers a mid it already
    // has a track for with that track's description).
    const sink = (kind: MediaKind, track: Track, ssrc: number, payloadType: number): Sink => {
      track.setMediaHandler(new ndc.RtcpNackResponder());
      track.onMessage((rtcp) => {
        if (asksForKeyframe(rtcp)) this.forwarder.requestKeyframe(publisherKey);
      });
      if (kind === 'video') track.onOpen(() => this.forwarder.requestKeyframe(publisherKey));
      return { track, ssrc, payloadType, packets: 0 };
    };
    for (const m of media) {
      const payloadType = m.kind === 'video' ? h264PayloadType(m) : opusPayloadType(m);
      if (payloadType === undefined || !m.mid || session.subscription[m.kind as MediaKind]) continue;
      const ssrc = randomInt(1, 2 ** 31);
      const msid = `ivsrt-${publisherId}`;
      const fmtp = m.fmtp.get(payloadType);
      if (m.kind === 'video') {
        const video = new ndc.Video(m.mid, 'SendOnly');
        if (fmtp === undefined) video.addH264Codec(payloadType);
        else video.addH264Codec(payloadType, fmtp);
        video.addSSRC(ssrc, msid, msid, `${publisherId}-video`);
        session.subscription.video = sink('video', pc.addTrack(video), ssrc, payloadType);
      } else {
        const audio = new ndc.Audio(m.mid, 'SendOnly');
        if (fmtp === undefined) audio.addOpusCodec(payloadType);
        else audio.addOpusCodec(payloadType, fmtp);
        audio.addSSRC(ssrc, msid, msid, `${publisherId}-audio`);
        session.subscription.audio = sink('audio', pc.addTrack(audio), ssrc, payloadType);
      }
    }
    if (!session.subscription.video && !session.subscription.audio) {
      pc.close();
      throw new WhipError(400, 'the offer receives neither H.264 video (packetization-mode 1) nor Opus audio in a section with an a=mid');
    }
    pc.onStateChange((state) => {
      session.state = state;
      if (state === 'failed' || state === 'closed' || state === 'disconnected') this.end(session);
    });
    try {
      // An offer without candidates (ivsrt's own clients) cannot be reached before its side has the answer:
      // the emulator can then take the DTLS client's part and start the handshake as soon as ICE is up, which
      // saves the second a client's first flight can be lost for while this side's ICE has not caught up.
      await answerOffer(pc, /^a=candidate:/m.test(offer) ? asDtlsServer(offer) : offer);
    } catch (error) {
      pc.close();
      throw error;
    }
    this.sessions.set(session.id, session);
    return session;
  }

  /** The subscription is over: SUBSCRIBE_STOPPED, and LEFT with the participant's last connection. Safe to call twice. */
  private end(session: SubscribeSession): void {
    if (session.ended) return;
    session.ended = true;
    this.sessions.delete(session.id);
    this.forwarder.unsubscribe(participantKey({ sessionId: session.sessionId, id: session.publisherId }), session.subscription);
    this.release({ sessionId: session.sessionId, id: session.participantId }, session.publisherId);
    // libdatachannel calls back into onStateChange while closing; `ended` makes that a no-op.
    session.pc.close();
  }

  private release(who: { sessionId: string; id: string }, publisherId: string): void {
    const p = sessionMembers(this.emu, who.sessionId).get(who.id);
    if (p?.connected) unsubscribe(this.emu, p, publisherId);
    this.presence.leave(who);
  }

  /**
   * A subscription also ends when the stage ends it: its publisher stopped publishing (SUBSCRIBE_STOPPED),
   * the subscriber was disconnected or lost the subscribe capability, or the emulator was reset.
   */
  private onCommitted(ops: readonly Op[]): void {
    if (this.sessions.size === 0 || !ops.some((op) => op.k === 'participant' || op.k === 'reset')) return;
    for (const session of [...this.sessions.values()]) {
      const p = sessionMembers(this.emu, session.sessionId).get(session.participantId);
      if (!p?.connected || !p.subscriptions?.includes(session.publisherId)) this.end(session);
    }
  }
}

/** The offer's H.264 payload type to send with: packetization mode 1, Constrained Baseline/Baseline first. */
function h264PayloadType(m: OfferedMedia): number | undefined {
  const h264 = [...m.codecs].filter(([, name]) => name === 'H264').map(([pt]) => pt);
  const mode1 = h264.filter((pt) => /packetization-mode=1/.test(m.fmtp.get(pt) ?? ''));
  const baseline = mode1.filter((pt) => /profile-level-id=42/i.test(m.fmtp.get(pt) ?? ''));
  return baseline[0] ?? mode1[0];
}

function opusPayloadType(m: OfferedMedia): number | undefined {
  return [...m.codecs].find(([, name]) => name === 'OPUS')?.[0];
}
