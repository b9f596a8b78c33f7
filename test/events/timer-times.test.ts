// Timers that fall due inside one `clock.advance` fire in due order, each at its own due time, so the
// events they cause carry the times they would have had if time had simply run (not all the time the
// advance ended at). Driven through the fixture API (`ivsrt/emulator`) on a frozen clock, read back
// through the real SDK over HTTP and through the emitted EventBridge events.
import {
  CreateParticipantTokenCommand,
  CreateStageCommand,
  CreateStorageConfigurationCommand,
  GetCompositionCommand,
  GetParticipantCommand,
  StartCompositionCommand,
} from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEmulator, type IvsEvent, type LocalEmulator } from '../../src/fixture/index.js';

const CHANNEL = 'arn:aws:ivs:us-east-1:123456789012:channel/abcdABCD1234';
const RECONNECT_WINDOW_SECONDS = 5;
let emu: LocalEmulator;

beforeAll(async () => {
  emu = await startEmulator({ clock: { frozen: true } });
});
afterAll(() => emu.stop());

/** An envelope's `time` in epoch ms (EventBridge gives whole seconds). */
const at = (event: IvsEvent): number => Date.parse(event.time);
/** The envelope `time` an event committed at `ms` carries. */
const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

test('a recording reconnect window and a composition idle stop, played out by one advance, end at their own due times, in order', async () => {
  const ivs = emu.client();
  const { storageConfiguration } = await ivs.send(new CreateStorageConfigurationCommand({ s3: { bucketName: 'recordings' } }));
  const { stage } = await ivs.send(
    new CreateStageCommand({
      name: 'timers',
      autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration!.arn!, recordingReconnectWindowSeconds: RECONNECT_WINDOW_SECONDS },
    }),
  );
  const stageArn = stage!.arn!;
  const { participantToken } = await ivs.send(new CreateParticipantTokenCommand({ stageArn }));
  const joined = await emu.join(participantToken!.token!, { publish: true });
  const { composition } = await ivs.send(new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: CHANNEL } }] }));
  await emu.clock.advance(3);
  const recordingStart = await emu.events.waitFor({ detail: { event_name: ['Recording Start'] } });
  await emu.events.waitFor({ detail: { event_name: ['Session Start'] } });

  const left = emu.clock.now().getTime();
  await emu.leave(joined);
  await emu.clock.advance(120);

  // Recording End: the reconnect window after the leave. Its duration is exact (ms), the envelope's time whole seconds.
  const recordingEnd = await emu.events.waitFor({ detail: { event_name: ['Recording End'] } });
  const participant = (await ivs.send(new GetParticipantCommand({ stageArn, sessionId: joined.sessionId, participantId: joined.participantId }))).participant!;
  expect(participant.recordingState).toBe('STOPPED');
  const recordingEndMs = left + RECONNECT_WINDOW_SECONDS * 1000;
  expect(at(recordingEnd)).toBe(wholeSecond(recordingEndMs));
  // recording_duration_ms is the media recorded, from Recording Start to the leave, not the window after it.
  const recordingStartMs = left - (recordingEnd.detail as { recording_duration_ms: number }).recording_duration_ms;
  // The recording started 1 s after publishing began, on the first advance (not at its end).
  expect(wholeSecond(recordingStartMs)).toBe(at(recordingStart));
  expect(recordingStartMs).toBeLessThan(left);

  // The composition: idle for a minute after the leave, then stopping for a second.
  const stopped = (await ivs.send(new GetCompositionCommand({ arn: composition!.arn! }))).composition!;
  expect(stopped.state).toBe('STOPPED');
  const stoppedMs = left + 60_000 + 1_000;
  expect(stopped.endTime!.getTime()).toBe(stoppedMs);
  expect(stopped.destinations![0]!.endTime!.getTime()).toBe(stoppedMs);
  const compositionEvents = emu.events.list({ resources: [composition!.arn!], detail: { event_name: ['Destination End', 'Session End'] } });
  expect(compositionEvents.map((e) => [e.detail.event_name, at(e)])).toEqual([
    ['Destination End', wholeSecond(stoppedMs)],
    ['Session End', wholeSecond(stoppedMs)],
  ]);

  // Everything the advance caused, in the order it was emitted: times never go back, and none is the advance's end.
  const end = emu.clock.now().getTime();
  const caused = emu.events.list().filter((e) => at(e) > wholeSecond(left) || e === recordingEnd);
  expect(caused.map((e) => e.detail.event_name)).toEqual(['Recording End', 'Destination End', 'Session End']);
  const times = caused.map(at);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times.every((t) => t < wholeSecond(end))).toBe(true);
});

test('recording_duration_ms counts the media recorded, not the reconnect windows waited out', async () => {
  const ivs = emu.client();
  const { storageConfiguration } = await ivs.send(new CreateStorageConfigurationCommand({ s3: { bucketName: 'durations' } }));
  const { stage } = await ivs.send(
    new CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration!.arn!, recordingReconnectWindowSeconds: 30 } }),
  );
  const stageArn = stage!.arn!;
  const { participantToken } = await ivs.send(new CreateParticipantTokenCommand({ stageArn }));
  // Someone else keeps the stage session open while the publisher is away.
  const { participantToken: viewer } = await ivs.send(new CreateParticipantTokenCommand({ stageArn }));
  await emu.join(viewer!.token!);
  const publisher = await emu.join(participantToken!.token!, { publish: true });
  await emu.clock.advance(10); // Recording Start 1 s in: 9 s recorded
  await emu.unpublish(publisher);
  await emu.clock.advance(20); // inside the window: nothing recorded
  await emu.publish(publisher);
  await emu.clock.advance(5); // 5 s more
  await emu.unpublish(publisher);
  await emu.clock.advance(31);
  const end = await emu.events.waitFor({ resources: [stageArn], detail: { event_name: ['Recording End'] } });
  expect((end.detail as { recording_duration_ms: number }).recording_duration_ms).toBe(14_000);
});
