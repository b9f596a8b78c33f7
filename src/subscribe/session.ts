// `ivsrt subscribe`'s WebRTC side: node-datachannel offers to receive Opus audio and H.264 video (audio
// first, as AWS's samples do), posts the offer (signal.ts), and once connected hands every RTP packet to
// the receiver's measurements and, when ffmpeg writes something, to ffmpeg's two UDP ports. Receiver
// reports and key-frame requests go back through each track's RTCP session. DELETE on the Location ends it.
import type { Track } from 'node-datachannel';
import { deleteSession, openPeer, type ClientPeer } from '../media/webrtc-client.js';
import { AUDIO, AUDIO_PAYLOAD_TYPE, startFfmpeg, VIDEO, VIDEO_PAYLOAD_TYPE, type Outputs, type RunningFfmpeg } from './ffmpeg.js';
import type { SessionEnd } from './publisher.js';
import { Receiver, type ReceiveSample } from './receiver.js';
import { postOffer, withCandidatesEverywhere } from './signal.js';

const H264_PROFILE = 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1';

export interface SubscribeSessionOptions {
  /** `<whip_url>/subscribe/<participantId>`. */
  endpoint: string;
  token: string;
  /** ffmpeg's path, when something is to be written. */
  ffmpeg?: string;
  outputs: Outputs;
  /** Called when the subscription ends on its own (the connection failed or closed, ffmpeg gone), with why. */
  onEnd(reason: SessionEnd): void;
}

export class SubscribeSession {
  private stopped = false;

  private constructor(
    readonly receiver: Receiver,
    readonly resourceUrl: string | undefined,
    private readonly options: SubscribeSessionOptions,
    private readonly ffmpeg: RunningFfmpeg | undefined,
    private readonly peer: ClientPeer,
  ) {}

  /** Offers, POSTs, and resolves once connected. Throws SubscribeRefused when the endpoint says no. */
  static async start(options: SubscribeSessionOptions): Promise<SubscribeSession> {
    // ffmpeg starts before the offer goes out; what arrives before it listens is held for it.
    const ffmpeg = options.ffmpeg && (options.outputs.out || options.outputs.frames) ? await startFfmpeg(options.ffmpeg, options.outputs) : undefined;
    const peer = await openPeer('ivsrt-subscribe');
    const { ndc, pc } = peer;
    const audio = new ndc.Audio('0', 'RecvOnly');
    audio.addOpusCodec(AUDIO_PAYLOAD_TYPE);
    const video = new ndc.Video('1', 'RecvOnly');
    video.addH264Codec(VIDEO_PAYLOAD_TYPE, H264_PROFILE);
    const tracks = { audio: pc.addTrack(audio), video: pc.addTrack(video) };
    for (const track of [tracks.audio, tracks.video]) track.setMediaHandler(new ndc.RtcpReceivingSession());
    let session: SubscribeSession | undefined;
    const early: [kind: 'audio' | 'video', data: Buffer][] = [];
    const deliver = (kind: 'audio' | 'video') => (data: Buffer) => (session ? session.packet(kind, data) : early.push([kind, data]));
    tracks.audio.onMessage(deliver('audio'));
    tracks.video.onMessage(deliver('video'));
    // A key frame as soon as the track opens, for the decoder that starts with this subscription (the
    // emulator asks on its own too). Only an open track may send: libdatachannel aborts the process otherwise.
    tracks.video.onOpen(() => tracks.video.requestKeyframe());
    peer.onState((s) => session?.onState(s));
    let receiver: Receiver;
    let resourceUrl: string | undefined;
    try {
      const offer = await peer.offer();
      receiver = new Receiver(Date.now());
      // The endpoint learns this side's address from its checks (the offer has no candidates), which can cost a second.
      const answer = await postOffer(options.endpoint, options.token, offer);
      resourceUrl = answer.location;
      await peer.connect(withCandidatesEverywhere(answer.sdp));
    } catch (error) {
      peer.close();
      await ffmpeg?.stop();
      throw error;
    }
    session = new SubscribeSession(receiver, resourceUrl, options, ffmpeg, peer);
    receiver.connectionState = peer.state();
    for (const [kind, data] of early.splice(0)) session.packet(kind, data);
    ffmpeg?.process.once('exit', (code) => session.end({ kind: 'ffmpeg', code, ...(ffmpeg.errors().trim() ? { error: ffmpeg.errors().trim().split('\n').pop() } : {}) }));
    session.tracks = [tracks.audio, tracks.video];
    return session;
  }

  /** Held so the garbage collector cannot take a track (and its message callback) while media flows. */
  tracks: Track[] = [];

  /** Stopping, but ffmpeg still gets packets until it has written its files out. */
  private finishing = false;

  private packet(kind: 'audio' | 'video', data: Buffer): void {
    if (!this.stopped) this.ffmpeg?.feed.send(kind === 'video' ? VIDEO : AUDIO, data);
    if (this.stopped || this.finishing) return;
    if (kind === 'video') this.receiver.onVideo(data);
    else this.receiver.onAudio(data);
  }

  private onState(state: string): void {
    this.receiver.connectionState = state;
    if (state === 'failed' || state === 'closed' || state === 'disconnected') this.end({ kind: 'connection', state });
  }

  private end(reason: SessionEnd): void {
    if (!this.stopped && !this.finishing) this.options.onEnd(reason);
  }

  /** Ends the subscription: DELETE on its Location, the connection closes, ffmpeg finishes its files. Safe to call twice. */
  async stop(): Promise<ReceiveSample> {
    const final = this.receiver.sample();
    if (this.stopped || this.finishing) return final;
    // ffmpeg first, while packets still arrive, so that its files end where the measurements do.
    this.finishing = true;
    await this.ffmpeg?.stop();
    if (this.resourceUrl) await deleteSession(this.resourceUrl, this.options.token);
    this.stopped = true;
    this.peer.close();
    this.tracks = [];
    return { ...final, connectionState: 'closed' };
  }
}
