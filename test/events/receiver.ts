// A webhook receiver started by a test: a real HTTP server on a free loopback port that records every
// POST and answers with the statuses the test scripts (e.g. fail twice with 503, then 200).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { whenSettled } from '../helpers/wait.js';

export interface Received {
  body: Record<string, any>;
  headers: Record<string, string | string[] | undefined>;
  path: string;
  /** process.hrtime in ms when the request was complete. */
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Every request, answered 200 or not. */
  requests(): number;
  /** Statuses for the next requests, in order; 200 once they run out. */
  answer(...statuses: number[]): void;
  /** Forgets the statuses not yet used: 200 from now on. */
  heal(): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let requests = 0;
  const script: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      requests++;
      const status = script.shift() ?? 200;
      if (status === 200) {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers, path: req.url ?? '/', at });
        for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    requests: () => requests,
    answer: (...statuses) => script.push(...statuses),
    heal: () => void script.splice(0),
    waitFor(count) {
      const arrived = received.length >= count ? Promise.resolve(received) : new Promise<Received[]>((resolve) => waiters.push({ count, resolve: () => resolve(received) }));
      return whenSettled(`${count} events at the receiver`, arrived, () => `${received.length} events:\n${received.map((r) => JSON.stringify(r.body.detail)).join('\n')}`);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
