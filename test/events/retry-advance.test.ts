// One advance of the emulator's clock plays every delivery retry that falls due within it, though each
// retry is scheduled only once the previous attempt's reply is in (clock.ts advanceSettling, delivery.ts
// start): `clock.advance()` of the fixture and `ivsrt local clock --advance` (the same admin route). A
// webhook fails each event's first attempts; the attempts are counted, and nothing waits on the wall clock.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { startEmulator } from '../../src/fixture/index.js';

const FAILURES = 5;

/** A webhook that answers 500 to the first FAILURES attempts of each event (by its id), then 200. */
async function flakyWebhook(): Promise<{ url: string; attempts: Map<string, number>; server: Server }> {
  const attempts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      res.statusCode = n <= FAILURES ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, attempts, server };
}

test(`clock.advance(600) plays all ${FAILURES} retries of each event before it returns, each after its attempt's reply`, async () => {
  const hook = await flakyWebhook();
  try {
    // Frozen: no retry falls due by itself; only the advance moves time.
    await using emu = await startEmulator({ clock: { frozen: true }, events: { targets: [hook.url] } });
    const client = emu.client();
    const { participantTokens } = await client.send(new sdk.CreateStageCommand({ name: 'retried', participantTokenConfigurations: [{ userId: 'u' }] }));
    await emu.join(participantTokens![0]!.token!, { publish: true });
    const events = emu.events.list().map((e) => e.id);
    expect(events.length).toBeGreaterThan(0);

    // Back-offs of about 1, 2, 4, 8 and 16 s: all five retries fall due within ten minutes.
    await emu.clock.advance(600);
    expect(Object.fromEntries(hook.attempts)).toEqual(Object.fromEntries(events.map((id) => [id, FAILURES + 1])));
    client.destroy();
  } finally {
    hook.server.close();
  }
});
