// The stage's event channel (ws://<emulator>/<topic>) closes when its token expires on the emulator's clock,
// not only at the next commit: here the clock is frozen and moved without any request, so nothing commits.
import { CreateParticipantTokenCommand, CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestEmulator, type TestEmulator } from './helpers.js';

let running: TestEmulator | undefined;
afterEach(async () => {
  running?.client.destroy();
  await running?.emu.close();
  running = undefined;
});

/** Opens the channel with `token` as its subprotocol; resolves once the first STAGE_STATE came. */
async function openChannel(url: string, topic: string, token: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/${topic}`, [token]);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const messages: string[] = [];
  const waiting = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push((JSON.parse(data.toString()) as { type: string }).type);
    for (const wake of waiting) wake();
  });
  const next = (type: string) =>
    new Promise<void>((resolve) => {
      const look = () => messages.includes(type) && (waiting.delete(look), resolve());
      waiting.add(look);
      look();
    });
  await next('STAGE_STATE');
  /** 'open' when the emulator still answers a PING, else how the socket was closed. */
  const state = async (): Promise<'open' | { code: number; reason: string }> => {
    messages.splice(0);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'PING' }));
    return Promise.race([next('PONG').then(() => 'open' as const), closed]);
  };
  return { ws, state };
}

describe('stage event channel', () => {
  it('closes with 4403 TOKEN_EXPIRED when the emulator clock passes the token expiry, with nothing committed', async () => {
    running = await startTestEmulator({ clock: { start: Date.UTC(2030, 0, 1), frozen: true } });
    const { emu, client } = running;
    const { stage } = await client.send(new CreateStageCommand({ name: 'socket-expiry' }));
    const { participantToken } = await client.send(new CreateParticipantTokenCommand({ stageArn: stage!.arn, duration: 1 }));
    const channel = await openChannel(emu.url, stage!.arn!.split('/')[1]!, participantToken!.token!);

    // 59 s on: the token (1 minute) still admits its holder.
    await emu.emulator.clock.advanceSettling(59_000);
    expect(await channel.state()).toBe('open');
    // Past its expiry, moved by the clock alone (no request, no commit), the channel is closed, saying why.
    await emu.emulator.clock.advanceSettling(2_000);
    expect(await channel.state()).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
  });

  it('a socket closed by its client leaves no expiry timer behind', async () => {
    running = await startTestEmulator({ clock: { start: Date.UTC(2030, 0, 1), frozen: true } });
    const { emu, client } = running;
    const { stage } = await client.send(new CreateStageCommand({ name: 'socket-closed' }));
    const { participantToken } = await client.send(new CreateParticipantTokenCommand({ stageArn: stage!.arn, duration: 1 }));
    const before = emu.emulator.hasTimer('stage-socket-expiry:1');
    const channel = await openChannel(emu.url, stage!.arn!.split('/')[1]!, participantToken!.token!);
    expect([before, emu.emulator.hasTimer('stage-socket-expiry:1')]).toEqual([false, true]);
    channel.ws.close();
    await new Promise((resolve) => channel.ws.once('close', resolve));
    // The server sees the close frame before (or as) the client's own 'close' fires; wait on its side too.
    await expect.poll(() => emu.emulator.hasTimer('stage-socket-expiry:1')).toBe(false);
  });
});
