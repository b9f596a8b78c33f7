// The stage's event channel (ws://<emulator>/<topic>) closes when its token expires on the emulator's clock,
// not only at the next commit: here the clock is frozen and moved without any request, so nothing commits.
import { CreateParticipantTokenCommand, CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
import { describe, expect, it } from 'vitest';
import { loadSeed } from '../../src/emulator/domain/seed.js';
import { stageChannel, type StageChannel } from '../helpers/stage-channel.js';
import { admin, emulatorPerTest, ok, type TestEmulator } from './helpers.js';

const emulators = emulatorPerTest({ clock: { start: Date.UTC(2030, 0, 1), frozen: true } });

/** A stage, a token for it that lasts a minute, and the channel opened with it (its first STAGE_STATE in). */
async function channelOnNewStage({ emu, client }: TestEmulator, name: string): Promise<{ stageArn: string; channel: StageChannel }> {
  const { stage } = await client.send(new CreateStageCommand({ name }));
  const { participantToken } = await client.send(new CreateParticipantTokenCommand({ stageArn: stage!.arn, duration: 1 }));
  const channel = stageChannel(emu.url, participantToken!.token!, stage!.arn!.split('/')[1]!);
  await channel.next((m) => m.type === 'STAGE_STATE');
  return { stageArn: stage!.arn!, channel };
}

/** Whether the emulator still answers the channel's PING (a PONG comes), or how it closed the channel. */
async function state(channel: StageChannel): Promise<'open' | { code: number; reason: string }> {
  const isPong = (m: { type: string }) => m.type === 'PONG';
  const pong = channel.next(isPong, channel.count(isPong)).then(() => 'open' as const);
  channel.ws.send(JSON.stringify({ type: 'PING' }));
  return Promise.race([pong.catch(() => channel.closed), channel.closed]);
}

describe('stage event channel', () => {
  it('closes with 4403 TOKEN_EXPIRED when the emulator clock passes the token expiry, with nothing committed', async () => {
    const running = await emulators.start();
    const { channel } = await channelOnNewStage(running, 'socket-expiry');
    const clock = running.emu.emulator.clock;

    // 59 s on: the token (1 minute) still admits its holder.
    await clock.advanceSettling(59_000);
    expect(await state(channel)).toBe('open');
    // Past its expiry, moved by the clock alone (no request, no commit), the channel is closed, saying why.
    await clock.advanceSettling(2_000);
    expect(await channel.closed).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
  });

  it('still closes at expiry after a reset whose seed keeps the stage (a reset clears the state\'s timers, not the sockets\')', async () => {
    let seededArn = '';
    const running = await emulators.start({ afterReset: (emu) => loadSeed(emu, { ivsrtSeed: 1, stages: [{ arn: seededArn, name: 'seeded' }] }, 'the test seed') });
    const { stageArn, channel } = await channelOnNewStage(running, 'seeded');
    seededArn = stageArn;

    await ok(admin(running.emu.url, 'POST', 'reset'));
    // The seed brought the stage back under the same ARN, so the channel stays open through the reset...
    expect(await state(channel)).toBe('open');
    // ...and its token still expires on the clock.
    await running.emu.emulator.clock.advanceSettling(61_000);
    expect(await channel.closed).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
  });
});
