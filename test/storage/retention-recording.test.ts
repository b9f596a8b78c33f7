// Retention never drops a participant whose recording is still waiting out its reconnect window (nor the
// ended session it belongs to): its Recording End is still to come. Once the recording has ended, the
// bounds apply again. Real emulator over HTTP, the real SDK, tiny bounds, time moved by the admin clock.
import {
  CreateStageCommand,
  CreateStorageConfigurationCommand,
  GetParticipantCommand,
  GetStageSessionCommand,
} from '@aws-sdk/client-ivs-realtime';
import { expect, test } from 'vitest';
import { admin, emulatorPerTest, failure, ok } from '../emulator/helpers.js';

const WINDOW_SECONDS = 30;
const emulators = emulatorPerTest({ retention: { departedParticipantsPerSession: 1, endedSessionsPerStage: 1 } });

test('a departed participant inside its recording reconnect window outlives retention, and its Recording End still comes', async () => {
  const { emu, client } = await emulators.start();
  const { storageConfiguration } = await client.send(new CreateStorageConfigurationCommand({ s3: { bucketName: 'recordings' } }));
  const { stage } = await client.send(
    new CreateStageCommand({
      name: 'kept',
      autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration!.arn!, recordingReconnectWindowSeconds: WINDOW_SECONDS },
    }),
  );
  const stageArn = stage!.arn!;
  const step = (route: string, participantId: string, extra: Record<string, unknown> = {}) => ok(admin(emu.url, 'POST', route, { stageArn, participantId, ...extra }));
  const advance = (advanceSeconds: number) => ok(admin(emu.url, 'POST', 'clock', { advanceSeconds }));
  const recordingEnds = () =>
    emu.bus
      .history()
      .filter(({ event }) => event.detail?.event_name === 'Recording End' && event.detail.participant_id === 'recorded');

  // `recorded` publishes, is recorded, and leaves: its recording is STOPPING for the reconnect window
  const { sessionId } = await step('join', 'host');
  await step('join', 'recorded', { publish: true });
  await advance(2);
  await step('leave', 'recorded');
  // three more departures in the same session, each a purge of the departed beyond the bound of one
  for (const guest of ['guest-1', 'guest-2', 'guest-3']) {
    await step('join', guest);
    await step('leave', guest);
  }
  // the session ends, and two more start and end: ended sessions beyond the bound of one are purged
  await step('leave', 'host');
  for (const solo of ['solo-1', 'solo-2']) {
    await step('join', solo);
    await step('leave', solo);
  }

  const recorded = async () => (await client.send(new GetParticipantCommand({ stageArn, sessionId, participantId: 'recorded' }))).participant!;
  expect((await recorded()).recordingState).toBe('STOPPING');
  expect((await failure(client.send(new GetParticipantCommand({ stageArn, sessionId, participantId: 'guest-1' })))).name, 'the bound still applies to the others').toBe(
    'ResourceNotFoundException',
  );
  expect(recordingEnds()).toEqual([]);

  await advance(WINDOW_SECONDS);
  expect((await recorded()).recordingState).toBe('STOPPED');
  expect(recordingEnds()).toHaveLength(1);
  expect(recordingEnds()[0]!.event.detail).toMatchObject({ session_id: sessionId, recording_s3_bucket_name: 'recordings' });

  // ended, the recording holds nothing back: the next session start purges its session like any other
  await step('join', 'solo-3');
  expect((await failure(client.send(new GetStageSessionCommand({ stageArn, sessionId })))).name).toBe('ResourceNotFoundException');
});
