// A client of the emulator's stage event channel (ws://<emulator>/<topic>, the participant token as the
// WebSocket subprotocol), with the `ws` library as AWS's sample uses Python's websockets: its messages,
// waited for by content, and how it closed.
import WebSocket from 'ws';

export interface ChannelMessage {
  type: string;
  payload?: Record<string, unknown>;
}

export interface StageChannel {
  ws: WebSocket;
  /** The first message (from the start) that `match` accepts, after the `skip` first such ones, waited for. */
  next(match: (message: ChannelMessage) => boolean, skip?: number): Promise<ChannelMessage>;
  /** Every message so far that `match` accepts. */
  count(match: (message: ChannelMessage) => boolean): number;
  closed: Promise<{ code: number; reason: string }>;
}

export function stageChannel(emulatorUrl: string, token: string, topic: string, headers: Record<string, string> = {}): StageChannel {
  const ws = new WebSocket(`${emulatorUrl.replace(/^http/, 'ws')}/${topic}`, [token], { headers });
  const seen: ChannelMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    seen.push(JSON.parse(data.toString()) as ChannelMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    closed,
    count: (match) => seen.filter(match).length,
    next: (match, skip = 0) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = seen.filter(match)[skip];
          if (found) {
            waiters.delete(look);
            resolve(found);
          }
        };
        waiters.add(look);
        ws.once('close', () => waiters.has(look) && reject(new Error(`the channel closed before the message came; it sent ${JSON.stringify(seen)}`)));
        look();
      }),
  };
}
