// A composition stops after 60 s with nobody publishing on its stage, whoever else stays connected (User
// Guide, ssc-getting-started: "auto-shutdown after 60 seconds of inactivity from publisher participants";
// docs/fidelity.md). Publishing again inside the minute cancels the stop. Real emulator over HTTP, the
// real SDK, time moved only by the admin clock.
import { CreateStageCommand, GetCompositionCommand, StartCompositionCommand } from '@aws-sdk/client-ivs-realtime';
import { expect, test } from 'vitest';
import { admin, emulatorPerTest, ok, type TestEmulator } from './helpers.js';

const CHANNEL = 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234';
const emulators = emulatorPerTest();

async function stageWith(pair: TestEmulator, participants: { id: string; publish: boolean }[]) {
  const { emu, client } = pair;
  const stageArn = (await client.send(new CreateStageCommand({ name: 'idle' }))).stage!.arn!;
  for (const p of participants) await ok(admin(emu.url, 'POST', 'join', { stageArn, participantId: p.id, publish: p.publish }));
  const arn = (await client.send(new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: CHANNEL } }] }))).composition!.arn!;
  return {
    stageArn,
    state: async () => (await client.send(new GetCompositionCommand({ arn }))).composition!.state,
    advance: (advanceSeconds: number) => ok(admin(emu.url, 'POST', 'clock', { advanceSeconds })),
    act: (route: 'publish' | 'unpublish' | 'leave', participantId: string) => ok(admin(emu.url, 'POST', route, { stageArn, participantId })),
  };
}

test('the publisher stops publishing while it and a subscriber stay connected: the composition stops a minute later', async () => {
  const { state, advance, act } = await stageWith(await emulators.start(), [
    { id: 'host', publish: true },
    { id: 'viewer', publish: false },
  ]);
  await advance(600);
  expect(await state(), 'a publisher keeps it running').toBe('ACTIVE');
  await act('unpublish', 'host');
  await advance(59.5);
  expect(await state()).toBe('ACTIVE');
  await advance(1);
  expect(await state(), 'stopped at 60 s with two participants still connected').toBe('STOPPING');
  await advance(1);
  expect(await state()).toBe('STOPPED');
});

test('the minute starts when the last publisher stops, not the first', async () => {
  const { state, advance, act } = await stageWith(await emulators.start(), [
    { id: 'host', publish: true },
    { id: 'guest', publish: true },
    { id: 'viewer', publish: false },
  ]);
  await advance(5);
  await act('unpublish', 'host');
  await advance(30);
  await act('leave', 'guest');
  await advance(59.5);
  expect(await state(), '89.5 s after the host stopped, 59.5 s after the guest left').toBe('ACTIVE');
  await advance(1);
  expect(await state()).toBe('STOPPING');
});

test('a publisher returning within the minute keeps the composition; leaving for good stops it a minute later', async () => {
  const { state, advance, act } = await stageWith(await emulators.start(), [
    { id: 'host', publish: true },
    { id: 'viewer', publish: false },
  ]);
  await advance(5);
  await act('unpublish', 'host');
  await advance(50);
  await act('publish', 'host');
  await advance(50);
  expect(await state(), 'publishing again cancelled the stop').toBe('ACTIVE');
  await act('leave', 'host');
  await advance(59.5);
  expect(await state()).toBe('ACTIVE');
  await advance(1);
  expect(await state()).toBe('STOPPING');
});

test('started on a stage where participants are connected but none publishes, it stops after a minute', async () => {
  const { state, advance, act } = await stageWith(await emulators.start(), [{ id: 'viewer', publish: false }]);
  await advance(59.5);
  expect(await state()).toBe('ACTIVE');
  await advance(1);
  expect(await state()).toBe('STOPPING');
  await act('leave', 'viewer');
});
