// Acceptance of the events the emulator emits (issue #9, behaviour): the real bin drives a real emulator
// over HTTP, and a real HTTP receiver started here gets every event as `--event-target` delivers it.
// Time moves only by `ivsrt local clock --advance`; the tests count events and never wait on the wall clock
// for behaviour (only for a delivery to arrive, with a generous limit).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import { runCli, type RunResult } from '../helpers/cli.js';
import { adminHeaders, spawnEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { whenSettled } from '../helpers/wait.js';
import { expectDocumentedShape } from './behaviour-shape.js';

/** An HTTP endpoint that keeps every JSON body POSTed to it, as a user's webhook would receive them. */
interface Receiver {
  url: string;
  events: IvsEvent[];
  /** Resolves once `count` received events satisfy `which` (fails after a minute). */
  waitFor(which: (e: IvsEvent) => boolean, count: number): Promise<IvsEvent[]>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const events: IvsEvent[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      events.push(JSON.parse(body) as IvsEvent);
      res.writeHead(200).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    events,
    waitFor(which, count) {
      const arrived = new Promise<IvsEvent[]>((resolve) => {
        const check = () => {
          const matching = events.filter(which);
          if (matching.length < count) return;
          waiters.delete(check);
          resolve(matching);
        };
        waiters.add(check);
        check();
      });
      return whenSettled(`${count} matching events`, arrived, () => `${events.filter(which).length} matching of ${JSON.stringify(events.map((e) => e.detail.event_name))}`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let emu: SpawnedEmulator;
let receiver: Receiver;
let origin: { accountId: string; region: string };

beforeAll(async () => {
  receiver = await startReceiver();
  emu = await spawnEmulator(['--event-target', receiver.url]);
  // The account and region this emulator stamps on its events, from its own status route (`local status`
  // describes the background emulator of IVSRT_HOME, not this spawned one).
  const status = await fetch(`${emu.url}/_ivsrt/status`, { headers: adminHeaders(emu.url) });
  expect(status.status).toBe(200);
  origin = (await status.json()) as { accountId: string; region: string };
  expect(origin.accountId).toMatch(/^\d{12}$/);
});
afterAll(async () => {
  await emu?.stop();
  await receiver?.close();
});

function cli(args: string[], input?: string): Promise<RunResult> {
  return runCli(args, { endpoint: emu.url, input, env: { IVSRT_ADMIN_SECRET: emu.adminSecret, IVSRT_HOME: emu.home } });
}

async function ok(args: string[], input?: string): Promise<any> {
  const result = await cli([...args, '--json'], input);
  expect(result.code, `ivsrt ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout.trim() === '' ? {} : result.json();
}

/** Every event the emulator has logged, in commit order (the emulator's own event stream, no follow). */
async function logged(): Promise<IvsEvent[]> {
  const res = await fetch(`${emu.url}/_ivsrt/events`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ since: '1970-01-01T00:00:00Z', follow: false }) });
  expect(res.status).toBe(200);
  return (await res.text()).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as IvsEvent);
}

const about = (arn: string) => (e: IvsEvent) => e.resources[0] === arn || field(e, 'stage_arn') === arn;
const names = (events: IvsEvent[]) => events.map((e) => e.detail.event_name);
const seconds = (e: IvsEvent) => Date.parse(e.time) / 1000;
/** A `detail` field by name, whichever detail-type the event has. */
const field = (e: IvsEvent, name: string): unknown => (e.detail as unknown as Record<string, unknown>)[name];

function expectOrigin(e: IvsEvent): void {
  expectDocumentedShape(e);
  expect(e.account).toBe(origin.accountId);
  expect(e.region).toBe(origin.region);
}

describe('participants', () => {
  test('publish, unpublish and leave: Participant Published and Participant Unpublished, every field as documented', async () => {
    const { stage } = await ok(['stage', 'create', '--name', 'events-publish']);
    const joined = await ok(['local', 'join', '--stage', stage.arn, '--user-id', 'alice', '--publish']);
    const participantId = joined.participant.participantId;
    const ref = ['--stage', stage.arn, '--participant', participantId];
    await ok(['local', 'unpublish', ...ref]);
    await ok(['local', 'leave', ...ref]);

    const received = await receiver.waitFor(about(stage.arn), 2);
    expect(names(received)).toEqual(['Participant Published', 'Participant Unpublished']);
    for (const e of received) {
      expectOrigin(e);
      expect(e['detail-type']).toBe('IVS Stage Update');
      expect(e.resources).toEqual([stage.arn]);
      expect(e.detail).toEqual({ session_id: joined.sessionId, event_name: e.detail.event_name, event_time: e.time, user_id: 'alice', participant_id: participantId });
    }
    // Joins and leaves are not EventBridge events: after the leave was answered, the log holds just these two.
    expect(names((await logged()).filter(about(stage.arn)))).toEqual(['Participant Published', 'Participant Unpublished']);
  });
});

describe('compositions', () => {
  test('start, a destination reconnects and fails, the stage is deleted under it: each documented event, in order', async () => {
    const { storageConfiguration } = await ok(['storage-config', 'create', '--bucket', 'composite-recordings']);
    const { encoderConfiguration } = await ok(['encoder-config', 'create']);
    const { stage } = await ok(['stage', 'create', '--name', 'events-composition']);
    await ok(['local', 'join', '--stage', stage.arn, '--publish']);
    const channel = `arn:aws:ivs:${origin.region}:${origin.accountId}:channel/AbCdEfGh1234`;
    const { composition } = await ok(['composition', 'start', stage.arn, '--channel', channel, '--s3', storageConfiguration.arn, '--encoder', encoderConfiguration.arn]);
    const channelDestination = composition.destinations.find((d: any) => d.configuration.channel).id;

    const compositionEvents = (e: IvsEvent) => e['detail-type'] === 'IVS Composition State Change' && about(stage.arn)(e);
    await ok(['local', 'clock', '--advance', '3']);
    const started = await receiver.waitFor(compositionEvents, 3);
    expect(names(started)).toEqual(['Session Start', 'Destination Start', 'Destination Start']);

    const reconnecting = await ok(['local', 'fail', 'destination', composition.arn, '--destination', channelDestination]);
    expect(reconnecting.destinations.find((d: any) => d.id === channelDestination).state).toBe('RECONNECTING');
    await receiver.waitFor(compositionEvents, 4);
    await ok(['local', 'clock', '--advance', '31']);
    await receiver.waitFor(compositionEvents, 5);
    const afterFailure = (await ok(['composition', 'get', composition.arn])).composition;
    expect(afterFailure.state).toBe('ACTIVE'); // the S3 destination still runs (ssc-overview)
    expect(afterFailure.destinations.find((d: any) => d.id === channelDestination).state).toBe('FAILED');

    await ok(['stage', 'delete', stage.arn, '--yes']);
    const all = await receiver.waitFor(compositionEvents, 7);
    expect(names(all)).toEqual(['Session Start', 'Destination Start', 'Destination Start', 'Destination Reconnecting', 'Destination Failure', 'Destination End', 'Session Failure']);
    for (const e of all) {
      expectOrigin(e);
      expect(e['detail-type']).toBe('IVS Composition State Change');
      expect(e.resources).toEqual([composition.arn]);
      expect(field(e, 'stage_arn')).toBe(stage.arn);
    }
    // destination_id has no source: it is an extra (docs/events.md), so not delivered by default.
    expect(all.map((e) => field(e, 'destination_id'))).toEqual(all.map(() => undefined));
    expect((await ok(['composition', 'get', composition.arn])).composition.state).toBe('FAILED');
  });

  test('the 24-hour maximum ends a running composition', async () => {
    const { storageConfiguration } = await ok(['storage-config', 'create', '--bucket', 'long-recordings']);
    const { encoderConfiguration } = await ok(['encoder-config', 'create']);
    const { stage } = await ok(['stage', 'create', '--name', 'events-24h']);
    // Someone stays on the stage, so the one-minute idle stop never applies.
    await ok(['local', 'join', '--stage', stage.arn, '--publish']);
    const { composition } = await ok(['composition', 'start', stage.arn, '--s3', storageConfiguration.arn, '--encoder', encoderConfiguration.arn]);
    // Two minutes short of the limit: far more than the wall-clock time these steps take, so the clock's own pace cannot matter.
    await ok(['local', 'clock', '--advance', String(24 * 3600 - 120)]);
    expect((await ok(['composition', 'get', composition.arn])).composition.state).toBe('ACTIVE');
    await ok(['local', 'clock', '--advance', '240']);
    const all = await receiver.waitFor((e) => e['detail-type'] === 'IVS Composition State Change' && about(stage.arn)(e), 4);
    expect(names(all)).toEqual(['Session Start', 'Destination Start', 'Destination End', 'Session End']);
    expect((await ok(['composition', 'get', composition.arn])).composition.state).toBe('STOPPED');
  });
});

describe('participant recording', () => {
  test('Recording Start, and Recording End only once the reconnect window has passed on the emulator clock', async () => {
    const { storageConfiguration } = await ok(['storage-config', 'create', '--bucket', 'ivs-recordings']);
    const { stage } = await ok(['stage', 'create', '--name', 'events-recording']);
    // The longest window there is (300 s): the checks below keep a minute of margin from its end, far more
    // than the wall-clock time the steps take while the emulator's clock runs on.
    await ok(['stage', 'update', stage.arn, '--recording-storage', storageConfiguration.arn, '--recording-reconnect-window', '300']);
    const joined = await ok(['local', 'join', '--stage', stage.arn, '--publish']);
    const id = joined.participant.participantId;
    const ref = ['--stage', stage.arn, '--participant', id];
    const participant = async () => (await ok(['participant', 'get', stage.arn, id, '--session', joined.sessionId])).participant;
    expect(joined.participant.recordingState).toBe('STARTING');

    await ok(['local', 'clock', '--advance', '2']);
    const [published, start] = await receiver.waitFor(about(stage.arn), 2);
    expect(names([published!, start!])).toEqual(['Participant Published', 'Recording Start']);
    // The User Guide's layout: the prefix ends in when the recording began (its publish), `2024-01-01T12-00-55Z`.
    const prefixAt = (e: IvsEvent) => `${stage.arn.split('/')[1]}/${joined.sessionId}/${id}/${e.time.replace(/:/g, '-')}`;
    const prefix = prefixAt(published!);
    expect(prefix).toMatch(/\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(start!.detail).toEqual({ session_id: joined.sessionId, event_name: 'Recording Start', participant_id: id, recording_s3_bucket_name: 'ivs-recordings', recording_s3_key_prefix: prefix });
    expect(await participant()).toMatchObject({ recordingState: 'ACTIVE', recordingS3BucketName: 'ivs-recordings', recordingS3Prefix: prefix });

    // Back within the window: the same recording goes on, no new events.
    await ok(['local', 'unpublish', ...ref]);
    expect((await participant()).recordingState).toBe('STOPPING');
    await ok(['local', 'clock', '--advance', '10']);
    await ok(['local', 'publish', ...ref]);
    expect(await participant()).toMatchObject({ recordingState: 'ACTIVE', recordingS3Prefix: prefix });

    await ok(['local', 'unpublish', ...ref]);
    await ok(['local', 'clock', '--advance', '240']);
    const recordingEvents = async () => (await logged()).filter(about(stage.arn)).filter((e) => e['detail-type'] === 'IVS Participant Recording State Change');
    expect(names(await recordingEvents())).toEqual(['Recording Start']);
    await ok(['local', 'clock', '--advance', '70']);
    expect(names(await recordingEvents())).toEqual(['Recording Start', 'Recording End']);
    expect((await participant()).recordingState).toBe('STOPPED');

    const received = await receiver.waitFor(about(stage.arn), 6);
    expect(names(received)).toEqual(['Participant Published', 'Recording Start', 'Participant Unpublished', 'Participant Published', 'Participant Unpublished', 'Recording End']);
    received.forEach(expectOrigin);
    const end = received[5]!;
    expect(end.detail).toMatchObject({ recording_s3_key_prefix: prefix, recording_s3_bucket_name: 'ivs-recordings' });
    expect(seconds(end) - seconds(received[4]!)).toBeGreaterThanOrEqual(300);
    // The media recorded (two short publishes), not the 300 s window waited out after them.
    expect(field(end, 'recording_duration_ms')).toBeGreaterThanOrEqual(1_000);
    expect(field(end, 'recording_duration_ms')).toBeLessThan(60_000);

    // A new recording after the window gets a prefix of its own: the time it began.
    await ok(['local', 'publish', ...ref]);
    const republished = (await receiver.waitFor(about(stage.arn), 7))[6]!;
    expect(republished.detail.event_name).toBe('Participant Published');
    expect((await participant()).recordingS3Prefix).toBe(prefixAt(republished));
    expect(prefixAt(republished)).not.toBe(prefix);
  });

  test('a broken bucket fails recordings to start, and a recording made to fail ends with a failure', async () => {
    const { storageConfiguration } = await ok(['storage-config', 'create', '--bucket', 'flaky-recordings']);
    const { stage } = await ok(['stage', 'create', '--name', 'events-recording-failures']);
    await ok(['stage', 'update', stage.arn, '--recording-storage', storageConfiguration.arn]);
    const first = await ok(['local', 'join', '--stage', stage.arn, '--publish']);
    await ok(['local', 'clock', '--advance', '2']);
    const failed = await ok(['local', 'fail', 'recording', '--stage', stage.arn, '--participant', first.participant.participantId]);
    expect(failed.recordingState).toBe('FAILED');

    await ok(['local', 'fail', 'bucket', 'flaky-recordings']);
    const second = await ok(['local', 'join', '--stage', stage.arn, '--publish']);
    await ok(['local', 'clock', '--advance', '2']);
    await ok(['local', 'fail', 'bucket', 'flaky-recordings', '--clear']);

    const recordings = (await receiver.waitFor(about(stage.arn), 5)).filter((e) => e['detail-type'] === 'IVS Participant Recording State Change');
    expect(recordings.map((e) => [e.detail.event_name, field(e, 'participant_id')])).toEqual([
      ['Recording Start', first.participant.participantId],
      ['Recording End Failure', first.participant.participantId],
      ['Recording Start Failure', second.participant.participantId],
    ]);
    recordings.forEach(expectOrigin);
  });
});

describe('ingest errors', () => {
  test('RTMP to an RTMPS-only configuration, a wrong key and a reused key: refused, with the error event', async () => {
    const { stage } = await ok(['stage', 'create', '--name', 'events-ingest']);
    const { ingestConfiguration: config } = await ok(['ingest-config', 'create', '--protocol', 'rtmps', '--stage', stage.arn]);
    const key: string = config.streamKey;

    const wrongProtocol = await cli(['local', 'ingest', '--stream-key', '-', '--protocol', 'rtmp'], key);
    expect(wrongProtocol.code).not.toBe(0);
    expect(wrongProtocol.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongProtocol.stderr).toContain('INVALID_PROTOCOL');
    expect(wrongProtocol.stderr).not.toContain(key);

    const wrongKey = await cli(['local', 'ingest', '--stream-key', '-'], `${key.slice(0, -4)}XXXX`);
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toContain('INVALID_STREAM_KEY');

    await ok(['local', 'ingest', '--stream-key', '-'], key);
    const reused = await cli(['local', 'ingest', '--stream-key', '-'], key);
    expect(reused.code).not.toBe(0);
    expect(reused.stderr).toContain('REUSE_OF_STREAM_KEY');

    const errors = (await receiver.waitFor(about(stage.arn), 4)).filter((e) => e.detail.event_name === 'Participant Publish Error');
    // error_code has no source: it is an extra (docs/events.md), so the events carry only the participant.
    expect(errors.map((e) => [field(e, 'error_code'), field(e, 'participant_id')])).toEqual([
      [undefined, config.participantId],
      [undefined, config.participantId],
      [undefined, config.participantId],
    ]);
    errors.forEach(expectOrigin);

    // The same errors as participant events (ListParticipantEvents), with errorCode.
    const { stageSessions } = await ok(['session', 'list', stage.arn]);
    const codes: string[] = [];
    for (const session of stageSessions) {
      const { events } = await ok(['participant', 'events', stage.arn, config.participantId, '--session', session.sessionId]);
      for (const e of events) if (e.name === 'PUBLISH_ERROR') codes.push(e.errorCode);
    }
    expect(codes.sort()).toEqual(['INVALID_PROTOCOL', 'INVALID_STREAM_KEY', 'REUSE_OF_STREAM_KEY']);
  });
});
