// The ports an RTP feed hands ffmpeg: ffmpeg's RTP input binds each stream's port P and P+1 (RTCP), so
// every stream needs an even P with P+1 free, and no two streams of one process may share either.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpFeed } from '../../src/media/rtp-feed.js';

const bound: Socket[] = [];
afterEach(() => {
  for (const socket of bound.splice(0)) socket.close();
});

/** Binds `port` on loopback as ffmpeg would; rejects when it is taken. */
function bind(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      bound.push(socket);
      resolve();
    });
  });
}

describe('RtpFeed ports', () => {
  it('gives every stream of feeds opened at once an even port whose RTCP neighbour is free: ffmpeg can bind all of them', async () => {
    const feeds = Array.from({ length: 6 }, () => new RtpFeed([{ kind: 'video', payloadType: 96 }, { kind: 'audio', payloadType: 111 }, { kind: 'video', payloadType: 97 }]));
    await Promise.all(feeds.map((f) => f.open()));
    const ports = feeds.flatMap((f) => f.ports);
    expect(ports).toHaveLength(18);
    for (const port of ports) expect(port % 2, `${port} is even`).toBe(0);
    // What each ffmpeg binds: P and P+1 of every stream; none may be taken twice.
    const all = ports.flatMap((p) => [p, p + 1]);
    expect(new Set(all).size).toBe(all.length);
    for (const port of all) await bind(port);
    for (const f of feeds) f.close();
  });
});
