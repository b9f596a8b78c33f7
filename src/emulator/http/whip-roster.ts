// GET <whip_url>/participants: the stage's current session as a participant sees it, for the page of
// `ivsrt open` (its roster and the publishers it subscribes to). Emulator-only: the real service tells
// clients about the stage over the WebSocket at <events_url>/<topic> (docs/fidelity.md). Authenticated by
// the participant token (Bearer), like the media routes; an expired or revoked token is refused with the
// same codes as the subscribe route. Reading the roster joins nobody.
import type { IncomingMessage } from 'node:http';
import { admit, sessionMembers } from '../domain/activity.js';
import { playbackUrl } from '../media/composition/output.js';
import type { Emulator } from '../domain/emulator.js';
import { CAN_PUBLISH, CAN_SUBSCRIBE } from '../state/store.js';
import { TokenError } from '../domain/tokens.js';
import { WhipError } from '../media/whip/webrtc.js';
import { bearer, type Reply } from './whip-wire.js';

export const ROSTER_ROUTE = /^\/whip\/([^/]+)\/participants$/;

interface RosterEntry {
  participantId: string;
  userId?: string;
  attributes?: Record<string, string>;
  state: 'CONNECTED' | 'DISCONNECTED';
  published: boolean;
  publishing: boolean;
  /** The publishers it subscribes to now. */
  subscriptions: string[];
  protocol: string;
  /**
   * Connected with no WebRTC connection to the emulator: joined by `ivsrt local join`/`simulate` or the
   * test fixture, or an RTMP ingest (all simulated), so it sends no media to subscribe to.
   */
  simulated: boolean;
}

interface Roster {
  stageArn: string;
  stageName?: string;
  sessionId: string | null;
  /** Who asks: the token's participant, its capabilities and expiry (epoch ms on the emulator's clock). */
  self: { participantId: string; userId?: string; publish: boolean; subscribe: boolean; expiresAt: number };
  /** The emulator's clock, epoch ms. */
  now: number;
  participants: RosterEntry[];
  /** The stage's running compositions with a running channel destination, and where their output plays (this origin). */
  compositions: { compositionId: string; playbackPath: string }[];
}

/** `onWebRtc(p)`: whether `p` has a WebRTC connection here (domain/presence.ts, through the WhipIngest). */
export function rosterReply(emu: Emulator, req: IncomingMessage, host: string, onWebRtc: (p: { sessionId: string; id: string }) => boolean): Reply {
  const allow = 'OPTIONS, GET';
  if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: allow } };
  if (req.method !== 'GET') throw new WhipError(405, `the participants route takes GET, not ${req.method}`, { Allow: allow });
  const { stage, grant } = admit(emu, bearer(req));
  if (host !== stage.host) throw new WhipError(403, `this token is for stage ${stage.arn}, whose WHIP endpoint ends in /whip/${stage.host}`);
  if (stage.revoked?.includes(grant.participantId)) {
    throw new TokenError('revoked', `participant ${grant.participantId} was disconnected from ${stage.arn} and its token revoked`);
  }
  const participants: RosterEntry[] = [...sessionMembers(emu, stage.activeSessionId).values()].map((p) => ({
    participantId: p.id,
    ...(p.userId !== undefined ? { userId: p.userId } : {}),
    ...(p.attributes !== undefined ? { attributes: p.attributes } : {}),
    state: p.connected ? 'CONNECTED' : 'DISCONNECTED',
    published: p.published,
    publishing: p.connected && p.publishing,
    subscriptions: p.subscriptions ?? [],
    protocol: p.protocol,
    simulated: p.connected && !onWebRtc(p),
  }));
  const roster: Roster = {
    stageArn: stage.arn,
    ...(stage.name ? { stageName: stage.name } : {}),
    sessionId: stage.activeSessionId ?? null,
    self: {
      participantId: grant.participantId,
      ...(grant.userId !== undefined ? { userId: grant.userId } : {}),
      publish: (grant.capabilities & CAN_PUBLISH) !== 0,
      subscribe: (grant.capabilities & CAN_SUBSCRIBE) !== 0,
      expiresAt: grant.expiresAt,
    },
    now: emu.now(),
    participants,
    compositions: [...emu.store.compositions.values()]
      .filter((c) => c.stageArn === stage.arn && c.state === 'ACTIVE' && c.destinations.some((d) => d.state === 'ACTIVE' && (d.configuration as { channel?: unknown }).channel))
      .map((c) => ({ compositionId: c.id, playbackPath: playbackUrl('', c.id) })),
  };
  return { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: `${JSON.stringify(roster)}\n` };
}
