// The stage's event channel, as AWS's MIT-0 samples use it (aws-samples/sample-amazon-ivs-aiortc-demos,
// stages-publish/ivs-stage-publish-events.py): a WebSocket to `<events_url claim>/<topic claim>` with the
// participant token as the WebSocket subprotocol, `STAGE_STATE` messages listing the participants and
// whether each publishes, and `{"type":"PING"}` answered by `{"type":"PONG"}`. The service's events_url is
// wss://global.events.live-video.net; the emulator answers the same path on its own origin
// (ws://<emulator>/<topic>), as its WHIP route stands in for the service's WHIP host.
//
// Beyond the samples (emulator-only, docs/events.md "The stage's event channel"), each socket also gets the
// stage's events as they are committed: `IVSRT_PARTICIPANT_EVENT` (as ListParticipantEvents shows them:
// JOINED, PUBLISH_STARTED, SUBSCRIBE_STARTED, LEFT...) and `IVSRT_EVENTBRIDGE` (the envelopes the event bus
// delivers for this stage), the current session's past ones first (the last 50). Nothing is polled: STAGE_STATE and the participant events come from the
// emulator's commits, the EventBridge envelopes from the bus. An expired or revoked token, or a deleted
// stage, closes the socket with code 4403 (4404) and the reason's code (TOKEN_EXPIRED, TOKEN_REVOKED,
// NOT_FOUND) as the close reason: a revocation or a deletion when it is committed, an expiry when the
// emulator's clock reaches it (a timer on that clock, so a frozen or advanced clock decides).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { admit, sessionMembers } from '../domain/activity.js';
import type { Emulator } from '../domain/emulator.js';
import { ApiError } from '../state/errors.js';
import type { HostCheck } from './host-check.js';
import type { EventRec, Op, StageRec } from '../state/store.js';
import { TokenError, tokenErrorCode, type TokenGrant } from '../domain/tokens.js';
import { eventView } from '../domain/views.js';
import type { EventBus } from '../eventbridge/bus.js';
import { keyTime } from '../eventbridge/delivery.js';
import { compilePattern, type CompiledPattern } from '../eventbridge/pattern.js';
import { stagePattern } from './event-stream.js';

/** `/<topic>`: the topic claim is the stage id (12 alphanumerics). */
const STAGE_SOCKET_ROUTE = /^\/([A-Za-z0-9]{12})$/;

/** Past events a socket gets when it opens, at most. */
const BACKLOG = 50;

/** Close codes: the token no longer admits its holder; the stage is gone. */
const CLOSE_REFUSED = 4403;
const CLOSE_GONE = 4404;

/** The participants as STAGE_STATE lists them (the samples read id, userId, attributes, isPublishing). */
interface StageStateParticipant {
  id: string;
  userId: string;
  attributes: Record<string, string>;
  isPublishing: boolean;
}

interface StageStateMessage {
  type: 'STAGE_STATE';
  payload: { stageId: string; participants: StageStateParticipant[] };
}

interface Client {
  ws: WebSocket;
  stageArn: string;
  grant: TokenGrant;
  matches: CompiledPattern;
  /** The last STAGE_STATE sent, as JSON (one is sent only when it changes). */
  lastState: string;
}

function stageState(emu: Emulator, stage: StageRec): StageStateMessage {
  const participants = [...sessionMembers(emu, stage.activeSessionId).values()]
    .filter((p) => p.connected)
    .map((p) => ({ id: p.id, userId: p.userId ?? '', attributes: p.attributes ?? {}, isPublishing: p.publishing }));
  return { type: 'STAGE_STATE', payload: { stageId: stage.id, participants } };
}

/** A refused handshake: an HTTP reply with a JSON body, like the media routes' refusals. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export class StageSockets {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    // The token is the subprotocol the client offers; the handshake must name it back (browsers insist).
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly emu: Emulator,
    private readonly bus: EventBus,
    private readonly hostCheck: HostCheck,
  ) {
    emu.onCommitted((ops) => this.committed(ops as readonly Op[]));
    this.unsubscribe = bus.subscribe(({ event }) => {
      for (const client of this.clients) if (client.matches.matches(event)) this.send(client, { type: 'IVSRT_EVENTBRIDGE', payload: event });
    });
  }

  /** The HTTP server's `upgrade`: a WebSocket to `/<topic>`, or a refusal. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0]!;
    const topic = STAGE_SOCKET_ROUTE.exec(path)?.[1];
    try {
      this.hostCheck.check(req.headers.host);
      // A page on another origin may open a WebSocket to any port (no CORS); only the emulator's own names may.
      if (req.headers.origin !== undefined) this.hostCheck.check(new URL(req.headers.origin).host);
    } catch (error) {
      return refuse(socket, error instanceof ApiError ? error.status : 403, 'ACCESS_DENIED', error instanceof Error ? error.message : String(error));
    }
    if (this.closed || topic === undefined || req.headers.upgrade?.toLowerCase() !== 'websocket') {
      return refuse(socket, 404, 'NOT_FOUND', 'the emulator takes WebSockets at /<topic> only (the stage event channel: the token\'s events_url path and topic)');
    }
    const token = (req.headers['sec-websocket-protocol'] ?? '').split(',')[0]!.trim();
    if (token === '') return refuse(socket, 401, 'TOKEN_MALFORMED', 'pass the participant token as the WebSocket subprotocol');
    let admitted: { stage: StageRec; grant: TokenGrant };
    try {
      admitted = admit(this.emu, token);
      if (admitted.stage.id !== topic) throw new TokenError('invalid-claims', `the token is for stage ${admitted.stage.arn}, whose topic is ${admitted.stage.id}, not ${topic}`);
      if (admitted.stage.revoked?.includes(admitted.grant.participantId)) {
        throw new TokenError('revoked', `participant ${admitted.grant.participantId} was disconnected from ${admitted.stage.arn} and its token revoked`);
      }
    } catch (error) {
      if (error instanceof TokenError) return refuse(socket, error.reason === 'revoked' || error.reason === 'expired' ? 403 : 401, tokenErrorCode(error.reason), error.message);
      if (error instanceof ApiError) return refuse(socket, error.status, 'NOT_FOUND', error.message);
      throw error;
    }
    const { stage, grant } = admitted;
    this.server.handleUpgrade(req, socket, head, (ws) => this.attach(ws, stage, grant));
  }

  private attach(ws: WebSocket, stage: StageRec, grant: TokenGrant): void {
    const client: Client = { ws, stageArn: stage.arn, grant, matches: compilePattern(stagePattern(stage.arn)), lastState: '' };
    this.clients.add(client);
    // On the clock itself, not in the emulator's named timers: those are the state's own (recordings,
    // compositions) and a reset clears them, while a socket outlives a reset whose seed keeps its stage.
    const expiry = this.emu.clock.schedule(Math.max(0, grant.expiresAt - this.emu.now()), () => this.closeIfRefused(client));
    ws.on('close', () => {
      this.clients.delete(client);
      this.emu.clock.cancel(expiry);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let type: unknown;
      try {
        type = (JSON.parse(data.toString()) as { type?: unknown }).type;
      } catch {
        return;
      }
      if (type === 'PING') this.send(client, { type: 'PONG' });
    });
    this.sendState(client, stage);
    for (const message of this.backlog(stage, client.matches)) this.send(client, message);
  }

  /**
   * What happened on the stage's current session before the socket opened, oldest first (the last
   * BACKLOG of them): its participant events and its EventBridge events still in the event log.
   */
  private backlog(stage: StageRec, matches: CompiledPattern): unknown[] {
    const sessionId = stage.activeSessionId;
    const session = sessionId === undefined ? undefined : this.emu.store.sessions.get(sessionId);
    if (!session) return [];
    const past: { time: number; message: unknown }[] = [];
    for (const p of sessionMembers(this.emu, sessionId).values()) for (const e of p.events) past.push({ time: e.time, message: participantEventMessage(p.id, p.userId, e) });
    // The envelope's time has whole seconds; its event-log key has the emulator's milliseconds.
    for (const { key, event } of this.bus.history(session.startTime)) if (matches.matches(event)) past.push({ time: keyTime(key), message: { type: 'IVSRT_EVENTBRIDGE', payload: event } });
    return past.sort((a, b) => a.time - b.time).slice(-BACKLOG).map((x) => x.message);
  }

  private send(client: Client, message: unknown): void {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(message));
  }

  private sendState(client: Client, stage: StageRec): void {
    const state = JSON.stringify(stageState(this.emu, stage));
    if (state === client.lastState) return;
    client.lastState = state;
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(state);
  }

  /** Closes `client`'s socket, saying why, if its token no longer admits it; whether it did. */
  private closeIfRefused(client: Client): boolean {
    const refused = this.refusal(client, this.emu.store.stages.get(client.stageArn));
    if (!refused) return false;
    this.clients.delete(client);
    client.ws.close(refused[0], refused[1]);
    return true;
  }

  /** Why `client`'s token no longer admits it, if it does not. */
  private refusal(client: Client, stage: StageRec | undefined): [number, string] | undefined {
    if (!stage) return [CLOSE_GONE, 'NOT_FOUND'];
    if (stage.revoked?.includes(client.grant.participantId)) return [CLOSE_REFUSED, tokenErrorCode('revoked')];
    if (client.grant.expiresAt <= this.emu.now()) return [CLOSE_REFUSED, tokenErrorCode('expired')];
    return undefined;
  }

  private committed(ops: readonly Op[]): void {
    if (this.clients.size === 0) return;
    const touched = new Set<string>();
    const events: { stageArn: string; participantId: string; e: EventRec }[] = [];
    for (const op of ops) {
      if (op.k === 'participant') touched.add(op.v.stageArn);
      else if (op.k === 'stage') touched.add(op.v.arn);
      else if (op.k === 'event') {
        const stageArn = this.emu.store.sessions.get(op.s)?.stageArn;
        if (stageArn) events.push({ stageArn, participantId: op.p, e: op.e });
      }
    }
    for (const client of [...this.clients]) {
      if (this.closeIfRefused(client)) continue;
      const stage = this.emu.store.stages.get(client.stageArn);
      for (const { stageArn, participantId, e } of events) {
        if (stageArn !== client.stageArn) continue;
        const p = sessionMembers(this.emu, stage!.activeSessionId).get(participantId);
        this.send(client, participantEventMessage(participantId, p?.userId, e));
      }
      if (touched.has(client.stageArn) || events.some((x) => x.stageArn === client.stageArn)) this.sendState(client, stage!);
    }
  }

  /** Closes every socket (the emulator is stopping). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const client of this.clients) client.ws.close(1001, 'the emulator is stopping');
    this.clients.clear();
    this.server.close();
  }
}

/** A participant event as ListParticipantEvents shows it, with the participant's user id. */
function participantEventMessage(participantId: string, userId: string | undefined, e: EventRec): unknown {
  return { type: 'IVSRT_PARTICIPANT_EVENT', payload: { ...eventView(participantId, e), ...(userId !== undefined ? { userId } : {}) } };
}
