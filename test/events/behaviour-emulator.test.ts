// The deriver in a running emulator: each change's events land in the event log and the outbox in the
// change's own transaction, survive a restart with the state, and follow the behaviour behind them
// (recording windows, destination failures, ingest refusals) on the virtual clock. Driven over HTTP
// with the real SDK; the event tables are read from the emulator object.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { describe, expect, test } from 'vitest';
import type { IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import { EVENT_LOG, OUTBOX } from '../../src/emulator/eventbridge/tables.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { admin, emulatorPerTest, ok } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';
import { expectDocumentedShape } from './behaviour-shape.js';

const { start, stop } = emulatorPerTest({ freezeRecords: true });

function logged(emu: RunningEmulator, extras = false): IvsEvent[] {
  const events = [...emu.emulator.store.aux(EVENT_LOG).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v as IvsEvent);
  for (const e of events) expectDocumentedShape(e, { extras });
  return events;
}
const names = (events: IvsEvent[]) => events.map((e) => e.detail.event_name);
const field = (e: IvsEvent, name: string): unknown => (e.detail as unknown as Record<string, unknown>)[name];

describe('events in the event tables', () => {
  test('each event is in the log and the outbox under the same key, and both survive a restart with the state', async () => {
    const dataDir = scratchDir('events-restart');
    const first = await start({ dataDir });
    const stage = (await first.client.send(new sdk.CreateStageCommand({ participantTokenConfigurations: [{ userId: 'bob' }] }))).stage!;
    const j = await ok(admin(first.emu.url, 'POST', 'join', { stageArn: stage.arn, userId: 'bob', publish: true }));
    await ok(admin(first.emu.url, 'POST', 'unpublish', { stageArn: stage.arn, participantId: j.participant.participantId }));
    const log = first.emu.emulator.store.aux(EVENT_LOG);
    const outbox = first.emu.emulator.store.aux(OUTBOX);
    expect(names(logged(first.emu))).toEqual(['Participant Published', 'Participant Unpublished']);
    for (const [key, event] of log) expect(outbox.get(key) ?? event).toEqual(event);
    const before = logged(first.emu);
    await stop(first);

    const second = await start({ dataDir });
    expect(logged(second.emu)).toEqual(before);
    expect((await second.client.send(new sdk.GetParticipantCommand({ stageArn: stage.arn, sessionId: j.sessionId, participantId: j.participant.participantId }))).participant!.published).toBe(true);
  });

  test('a recording waiting out its reconnect window ends on time after a restart', async () => {
    const dataDir = scratchDir('events-recording-restart');
    const first = await start({ dataDir });
    const storage = (await first.client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'recordings' } }))).storageConfiguration!;
    const stage = (await first.client.send(new sdk.CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: storage.arn, recordingReconnectWindowSeconds: 20 } }))).stage!;
    const j = await ok(admin(first.emu.url, 'POST', 'join', { stageArn: stage.arn, publish: true }));
    await ok(admin(first.emu.url, 'POST', 'clock', { advanceSeconds: 2 }));
    await ok(admin(first.emu.url, 'POST', 'unpublish', { stageArn: stage.arn, participantId: j.participant.participantId }));
    await stop(first);

    const second = await start({ dataDir });
    const recordings = () => names(logged(second.emu).filter((e) => e['detail-type'] === 'IVS Participant Recording State Change'));
    expect(recordings()).toEqual(['Recording Start']);
    await ok(admin(second.emu.url, 'POST', 'clock', { advanceSeconds: 21 }));
    expect(recordings()).toEqual(['Recording Start', 'Recording End']);
  });
});

describe('recording prefixes', () => {
  test('each recording of a participant has its own prefix, ending in its start time, even two within one second', async () => {
    const { emu, client } = await start();
    const storage = (await client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'recordings' } }))).storageConfiguration!;
    const stage = (await client.send(new sdk.CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: storage.arn, recordingReconnectWindowSeconds: 0 } }))).stage!;
    emu.emulator.clock.freeze();
    const j = await ok(admin(emu.url, 'POST', 'join', { stageArn: stage.arn, publish: true }));
    const who = { stageArn: stage.arn, participantId: j.participant.participantId };
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 2 }));
    await ok(admin(emu.url, 'POST', 'unpublish', who));
    const again = await ok(admin(emu.url, 'POST', 'publish', who));
    const first = j.participant.recordingS3Prefix as string;
    const second = again.participant.recordingS3Prefix as string;
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
    expect(first).toBe(`${stage.arn!.split('/')[1]}/${j.sessionId}/${who.participantId}/${stamp(Date.parse(j.participant.firstJoinTime))}`);
    // The frozen clock stands 2 s after the first start: the second recording starts then.
    expect(second).toBe(`${stage.arn!.split('/')[1]}/${j.sessionId}/${who.participantId}/${stamp(Date.parse(j.participant.firstJoinTime) + 2_000)}`);
    const third = await ok(admin(emu.url, 'POST', 'unpublish', who)).then(() => ok(admin(emu.url, 'POST', 'publish', who)));
    // A third within the same second would share the second's prefix: it takes the next second instead.
    expect(third.participant.recordingS3Prefix).toBe(`${stage.arn!.split('/')[1]}/${j.sessionId}/${who.participantId}/${stamp(Date.parse(j.participant.firstJoinTime) + 3_000)}`);
  });
});

describe('behaviour behind the events', () => {
  /** A publisher in `src` replicated to `dst` and back, with a subscriber watching it. */
  async function replicate(emu: RunningEmulator, client: sdk.IVSRealTimeClient): Promise<{ src: sdk.Stage; dst: sdk.Stage; events: (extras: boolean) => IvsEvent[] }> {
    const src = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const dst = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const pub = await ok(admin(emu.url, 'POST', 'join', { stageArn: src.arn, publish: true }));
    await ok(admin(emu.url, 'POST', 'join', { stageArn: src.arn }));
    const viewer = await ok(admin(emu.url, 'POST', 'join', { stageArn: src.arn }));
    await ok(admin(emu.url, 'POST', 'subscribe', { stageArn: src.arn, participantId: viewer.participant.participantId, publisherId: pub.participant.participantId }));
    await client.send(new sdk.StartParticipantReplicationCommand({ sourceStageArn: src.arn, destinationStageArn: dst.arn, participantId: pub.participant.participantId }));
    await client.send(new sdk.StopParticipantReplicationCommand({ sourceStageArn: src.arn, destinationStageArn: dst.arn, participantId: pub.participant.participantId }));
    return { src, dst, events: (extras) => logged(emu, extras) };
  }

  test('by default, replication sends nothing (no source shows its events); joins and subscriptions are none', async () => {
    const { emu, client } = await start();
    const { src, dst, events } = await replicate(emu, client);
    expect(names(events(false).filter((e) => e.resources[0] === src.arn))).toEqual(['Participant Published']);
    expect(events(false).filter((e) => e.resources[0] === dst.arn)).toEqual([]);
  });

  test('with extras, replication start and stop are Stage Updates naming the destination', async () => {
    const { emu, client } = await start({ events: { extras: true } });
    const { src, dst, events: all } = await replicate(emu, client);
    const events = all(true);
    const onSource = events.filter((e) => e.resources[0] === src.arn);
    expect(names(onSource)).toEqual(['Participant Published', 'Participant Replication Started', 'Participant Replication Stopped']);
    const started = onSource[1]!;
    expect(field(started, 'destination_stage_arn')).toBe(dst.arn);
    expect(field(started, 'destination_session_id')).toMatch(/^st-/);
    // The replica published and stopped in the destination stage.
    expect(names(events.filter((e) => e.resources[0] === dst.arn))).toEqual(['Participant Published', 'Participant Unpublished']);
  });

  test('a destination told to fail at once; a composition with no destination left fails', async () => {
    const { emu, client } = await start();
    const storage = (await client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'composites' } }))).storageConfiguration!;
    const encoder = (await client.send(new sdk.CreateEncoderConfigurationCommand({}))).encoderConfiguration!;
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    await ok(admin(emu.url, 'POST', 'join', { stageArn: stage.arn, publish: true }));
    const c = (await client.send(new sdk.StartCompositionCommand({ stageArn: stage.arn, destinations: [{ s3: { storageConfigurationArn: storage.arn, encoderConfigurationArns: [encoder.arn!] } }] }))).composition!;
    const refused = await admin(emu.url, 'POST', 'fail/destination', { compositionArn: 'arn:aws:ivs:us-east-1:123456789012:composition/nOsUcH000000' });
    expect(refused.status).toBe(404);
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 3 }));
    const failed = await ok(admin(emu.url, 'POST', 'fail/destination', { compositionArn: c.arn, now: true }));
    expect(failed.composition.state).toBe('FAILED');
    expect(names(logged(emu).filter((e) => e.resources[0] === c.arn))).toEqual(['Session Start', 'Destination Start', 'Destination Failure', 'Session Failure']);
    const again = await admin(emu.url, 'POST', 'fail/destination', { compositionArn: c.arn });
    expect(again.status).toBe(409);
  });

  test('a broken bucket: S3 destinations to it fail as the composition starts; cleared, recordings start again', async () => {
    const { emu, client } = await start();
    const storage = (await client.send(new sdk.CreateStorageConfigurationCommand({ s3: { bucketName: 'broken-bucket' } }))).storageConfiguration!;
    const encoder = (await client.send(new sdk.CreateEncoderConfigurationCommand({}))).encoderConfiguration!;
    const stage = (await client.send(new sdk.CreateStageCommand({ autoParticipantRecordingConfiguration: { storageConfigurationArn: storage.arn } }))).stage!;
    const broken = await ok(admin(emu.url, 'POST', 'fail/bucket', { bucket: 'broken-bucket' }));
    expect(broken).toEqual({ bucket: 'broken-bucket', broken: true, failedRecordings: 0, failedDestinations: 0 });
    await ok(admin(emu.url, 'POST', 'join', { stageArn: stage.arn, publish: true }));
    const c = (await client.send(new sdk.StartCompositionCommand({ stageArn: stage.arn, destinations: [{ s3: { storageConfigurationArn: storage.arn, encoderConfigurationArns: [encoder.arn!] } }] }))).composition!;
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 3 }));
    expect((await client.send(new sdk.GetCompositionCommand({ arn: c.arn }))).composition!.state).toBe('FAILED');
    expect(names(logged(emu).filter((e) => e.resources[0] === c.arn))).toEqual(['Destination Failure', 'Session Failure']);
    expect(names(logged(emu).filter((e) => e['detail-type'] === 'IVS Participant Recording State Change'))).toEqual(['Recording Start Failure']);

    await ok(admin(emu.url, 'POST', 'fail/bucket', { bucket: 'broken-bucket', clear: true }));
    await ok(admin(emu.url, 'POST', 'join', { stageArn: stage.arn, publish: true }));
    await ok(admin(emu.url, 'POST', 'clock', { advanceSeconds: 2 }));
    expect(names(logged(emu).filter((e) => e['detail-type'] === 'IVS Participant Recording State Change'))).toEqual(['Recording Start Failure', 'Recording Start']);
    const bad = await admin(emu.url, 'POST', 'fail/bucket', { bucket: 'Not A Bucket!' });
    expect(bad.status).toBe(400);
  });

  test('ingest refusals are PUBLISH_ERROR participant events with the error code (error_code on EventBridge with extras)', async () => {
    const { emu, client } = await start({ events: { extras: true } });
    const stage = (await client.send(new sdk.CreateStageCommand({}))).stage!;
    const config = (await client.send(new sdk.CreateIngestConfigurationCommand({ ingestProtocol: 'RTMPS', stageArn: stage.arn, userId: 'encoder' }))).ingestConfiguration!;
    // Someone on the stage keeps its session open, so every attempt meets the same participant record.
    await ok(admin(emu.url, 'POST', 'join', { stageArn: stage.arn }));
    expect((await admin(emu.url, 'POST', 'ingest', { streamKey: config.streamKey, protocol: 'RTMP' })).status).toBe(400);
    expect((await admin(emu.url, 'POST', 'ingest', { streamKey: `${config.streamKey!.slice(0, -3)}abc` })).status).toBe(403);
    expect((await admin(emu.url, 'POST', 'ingest', { streamKey: 'rt_123456789012_us-east-1_nOsUcHcOnF1g_secret' })).status).toBe(403);
    await ok(admin(emu.url, 'POST', 'ingest', { streamKey: config.streamKey }));
    expect((await admin(emu.url, 'POST', 'ingest', { streamKey: config.streamKey })).status).toBe(409);
    const errors = logged(emu, true).filter((e) => e.detail.event_name === 'Participant Publish Error');
    expect(errors.map((e) => [field(e, 'error_code'), field(e, 'participant_id'), field(e, 'user_id')])).toEqual([
      ['INVALID_PROTOCOL', config.participantId, 'encoder'],
      ['INVALID_STREAM_KEY', config.participantId, 'encoder'],
      ['REUSE_OF_STREAM_KEY', config.participantId, 'encoder'],
    ]);
    // The live publisher kept publishing through the refused second connection.
    expect((await client.send(new sdk.GetIngestConfigurationCommand({ arn: config.arn }))).ingestConfiguration!.state).toBe('ACTIVE');
    // Its protocol is that of the attempt that is live: RTMPS, not the refused RTMP attempt's.
    const sessionId = (await client.send(new sdk.GetStageCommand({ arn: stage.arn }))).stage!.activeSessionId!;
    const live = (await client.send(new sdk.GetParticipantCommand({ stageArn: stage.arn, sessionId, participantId: config.participantId }))).participant!;
    expect([live.state, live.protocol]).toEqual(['CONNECTED', 'RTMPS']);
  });
});
