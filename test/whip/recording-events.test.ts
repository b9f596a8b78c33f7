// Recording Start and Recording End of a real WHIP publisher come from its media, end to end: `ivsrt publish`
// (ffmpeg over WHIP) into a recorded stage of a spawned emulator with an `--event-target` receiver and an
// `--s3-dir`. Recording Start comes with the first media, Recording End (and recording-ended.json) only once
// the reconnect window has passed on the emulator's clock, which the test moves with `ivsrt local clock`.
// A publisher that never sends media is never recorded. The tests count events; they never time them.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import { playlistDurationMs } from '../../src/emulator/media/recording-files.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { apiClient, type Api } from '../helpers/activity.js';
import { runCli, type RunResult } from '../helpers/cli.js';
import { adminHeaders, spawnEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';
import { startReceiver, type Receiver } from '../events/receiver.js';
import { eventually } from '../helpers/wait.js';
import { measuredPublisher, participantEvents } from './whip-api.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the WHIP recording events test: ffmpeg not installed (apt-get install ffmpeg)');

const WINDOW_SECONDS = 60;
const s3 = scratchDir('s3');
let emu: SpawnedEmulator;
let receiver: Receiver;
let api: Api;

beforeAll(async () => {
  if (noFfmpeg) return;
  receiver = await startReceiver();
  emu = await spawnEmulator(['--event-target', receiver.url, '--s3-dir', s3]);
  api = apiClient(emu.url);
});
afterAll(async () => {
  await emu?.stop();
  await receiver?.close();
});

/** `interrupt`, when it aborts, sends the command SIGINT (Ctrl-C): how a test ends a `publish` with no --duration. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, interrupt?: AbortSignal, input?: string): Promise<RunResult> {
  return runCli(args, { endpoint: emu.url, env: { IVSRT_ADMIN_SECRET: emu.adminSecret, IVSRT_HOME: emu.home, ...env }, interrupt, input });
}

async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<any> {
  const result = await cli([...args, '--json'], env);
  expect(result.code, `ivsrt ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout.trim() === '' ? {} : result.json();
}

/** A stage that records every publisher to `bucket`, with a reconnect window of WINDOW_SECONDS. */
async function recordedStage(name: string, bucket: string): Promise<string> {
  const { storageConfiguration } = await api('CreateStorageConfiguration', { name, s3: { bucketName: bucket } });
  const { stage } = await api('CreateStage', {
    name,
    autoParticipantRecordingConfiguration: {
      storageConfigurationArn: storageConfiguration.arn,
      recordingReconnectWindowSeconds: WINDOW_SECONDS,
      hlsConfiguration: { targetSegmentDurationSeconds: 2 },
    },
  });
  return stage.arn;
}

/** Every event the emulator has logged so far about `stageArn`, in commit order. */
async function logged(stageArn: string): Promise<IvsEvent[]> {
  const res = await fetch(`${emu.url}/_ivsrt/events`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ since: '1970-01-01T00:00:00Z', follow: false }) });
  expect(res.status).toBe(200);
  const all = (await res.text()).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as IvsEvent);
  return all.filter((e) => e.resources[0] === stageArn);
}

const names = (events: { detail: { event_name: string } }[]) => events.map((e) => e.detail.event_name);
const delivered = (stageArn: string): IvsEvent[] => receiver.received.map((r) => r.body as IvsEvent).filter((e) => e.resources[0] === stageArn);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe.skipIf(noFfmpeg)('EventBridge events of a recorded WHIP publisher', () => {
  it('Participant Published, Recording Start with the first media, Participant Unpublished, then Recording End and recording-ended.json only after the reconnect window', async () => {
    const stageArn = await recordedStage('whip-recording-events', 'whip-events');
    const published = await ok(['publish', stageArn, '--duration', '4', '--resolution', '320x180', '--bitrate', '300', '--fps', '15']);
    const { participantId } = published;
    const sessionId: string = (await api('ListStageSessions', { stageArn })).stageSessions[0].sessionId;
    const participant = async () => (await api('GetParticipant', { stageArn, sessionId, participantId })).participant;
    const dir = join(s3, 'whip-events', (await participant()).recordingS3Prefix);
    const playlist = join(dir, 'media', 'hls', 'high', 'playlist.m3u8');

    // The publisher has left (its DELETE came before `ivsrt publish` exited). The media is written out
    // (the VOD playlist appears once ffmpeg has ended it), and the recording waits out the window.
    expect(await participantEvents(api, stageArn, participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    await eventually('the recording\'s media to be written out', async () => (existsSync(playlist) ? true : undefined));
    expect((await participant()).recordingState).toBe('STOPPING');
    expect(names(await logged(stageArn))).toEqual(['Participant Published', 'Recording Start', 'Participant Unpublished']);
    expect(existsSync(join(dir, 'events', 'recording-ended.json'))).toBe(false);

    // The window passes on the emulator clock (once more if the window began only after the first push).
    for (let pushes = 0; !names(await logged(stageArn)).includes('Recording End'); pushes++) {
      expect(pushes, 'Recording End after the reconnect window').toBeLessThan(3);
      await ok(['local', 'clock', '--advance', String(WINDOW_SECONDS + 1)]);
    }
    const events = await logged(stageArn);
    expect(names(events)).toEqual(['Participant Published', 'Recording Start', 'Participant Unpublished', 'Recording End']);
    expect((await participant()).recordingState).toBe('STOPPED');
    const [, start, unpublished, end] = events as [IvsEvent, IvsEvent, IvsEvent, IvsEvent];
    expect(seconds(end.time) - seconds(unpublished.time)).toBeGreaterThanOrEqual(WINDOW_SECONDS);
    for (const e of [start, end]) {
      expect(e['detail-type']).toBe('IVS Participant Recording State Change');
      expect(e.detail).toMatchObject({ session_id: sessionId, participant_id: participantId, recording_s3_bucket_name: 'whip-events', recording_s3_key_prefix: (await participant()).recordingS3Prefix });
    }

    // The metadata files say the same moments as the events (to the second they are written in).
    const started = readJson(join(dir, 'events', 'recording-started.json'));
    const ended = readJson(join(dir, 'events', 'recording-ended.json'));
    expect(Math.abs(seconds(started.recording_started_at) - seconds(start.time))).toBeLessThanOrEqual(1);
    expect(Math.abs(seconds(ended.recording_ended_at) - seconds(end.time))).toBeLessThanOrEqual(1);
    expect(ended).toMatchObject({ recording_status: 'RECORDING_ENDED', recording_started_at: started.recording_started_at });

    // The receiver (--event-target) got the same four, in the same order.
    await eventually('the four events delivered', async () => (delivered(stageArn).length >= 4 ? true : undefined));
    expect(names(delivered(stageArn))).toEqual(['Participant Published', 'Recording Start', 'Participant Unpublished', 'Recording End']);
  });

  it('a publisher back within the reconnect window continues the same recording: one Recording Start and End, its media appended after a discontinuity', async () => {
    const stageArn = await recordedStage('whip-reconnect', 'whip-merge');
    const { token, participantId } = (await ok(['token', 'create', stageArn, '--user-id', 'comeback'])).participantToken;
    /** One WHIP session, ended (Ctrl-C) once the emulator has received `frames` video frames of it, however long that took. */
    const publish = async (frames: number) => {
      const interrupt = new AbortController();
      const run = cli(['publish', stageArn, '--token', '-', '--resolution', '320x180', '--bitrate', '300', '--fps', '15', '--json'], {}, interrupt.signal, token);
      await measuredPublisher(emu.url, `${frames} frames received`, (p) => p.participantId === participantId && p.media.framesReceived >= frames);
      interrupt.abort();
      const result = await run;
      expect(result.code, result.stderr).toBe(0);
      return result.json();
    };
    // A viewer keeps the stage session open while the publisher is away (the emulator merges within a session).
    await ok(['local', 'join', '--stage', stageArn, '--user-id', 'viewer']);
    await publish(60);
    const sessionId: string = (await api('ListStageSessions', { stageArn })).stageSessions[0].sessionId;
    const participant = async () => (await api('GetParticipant', { stageArn, sessionId, participantId })).participant;
    const first = await participant();
    const rendition = join(s3, 'whip-merge', first.recordingS3Prefix, 'media', 'hls', 'high');
    await eventually('the first session\'s media to be written out', async () => (existsSync(join(rendition, 'playlist.m3u8')) ? true : undefined));
    const firstMs = playlistDurationMs(readFileSync(join(rendition, 'playlist.m3u8'), 'utf8'));

    const second = await publish(45);
    await eventually('the second session\'s media to be appended', async () => (existsSync(join(rendition, 'init-1.mp4')) ? true : undefined));
    expect((await participant()).recordingS3Prefix).toBe(first.recordingS3Prefix);
    for (let pushes = 0; !names(await logged(stageArn)).includes('Recording End'); pushes++) {
      expect(pushes, 'Recording End after the reconnect window').toBeLessThan(3);
      await ok(['local', 'clock', '--advance', String(WINDOW_SECONDS + 1)]);
    }
    expect(names(await logged(stageArn))).toEqual(['Participant Published', 'Recording Start', 'Participant Unpublished', 'Participant Published', 'Participant Unpublished', 'Recording End']);

    const playlist = readFileSync(join(rendition, 'playlist.m3u8'), 'utf8');
    expect(playlist.match(/^#EXT-X-DISCONTINUITY$/gm)).toHaveLength(1);
    expect(playlist.match(/^#EXT-X-MAP:URI="init-\d\.mp4"$/gm)).toEqual(['#EXT-X-MAP:URI="init-0.mp4"', '#EXT-X-MAP:URI="init-1.mp4"']);
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const segments = playlist.match(/^\d+\.mp4$/gm)!;
    expect(segments).toEqual(segments.map((_, i) => `${i}.mp4`));
    const ended = readJson(join(s3, 'whip-merge', first.recordingS3Prefix, 'events', 'recording-ended.json'));
    expect(ended.media.hls.duration_ms).toBe(playlistDurationMs(playlist));
    // The second session's frames (15 a second of media), bar those before its first key frame the recorder
    // received: `ivsrt publish` (ffmpeg) makes one every 2 s and does not answer the recorder's request for one.
    expect(second.videoFramesSent).toBeGreaterThanOrEqual(45);
    expect(ended.media.hls.duration_ms - firstMs).toBeGreaterThan((second.videoFramesSent / 15 - 2) * 1000);
  });

  it('a recording that fails while the media flows: Recording End Failure and recording-failed.json (RECORDING_ENDED_WITH_FAILURE), no recording-ended.json', async () => {
    const stageArn = await recordedStage('whip-failing', 'whip-failing');
    const { token, participantId } = (await ok(['token', 'create', stageArn, '--user-id', 'unlucky'])).participantToken;
    // It publishes until interrupted, so the recording is still under way however long the steps below take.
    const interrupt = new AbortController();
    const run = cli(['publish', stageArn, '--token', '-', '--resolution', '320x180', '--bitrate', '300', '--fps', '15', '--json'], {}, interrupt.signal, token);
    await eventually('Recording Start', async () => (names(await logged(stageArn)).includes('Recording Start') ? true : undefined));
    const sessionId: string = (await api('ListStageSessions', { stageArn })).stageSessions[0].sessionId;
    const prefix: string = (await api('GetParticipant', { stageArn, sessionId, participantId })).participant.recordingS3Prefix;
    // Once media is being written (ffmpeg has written the init segment), the recording is made to fail.
    await eventually('the recording under way', async () => (existsSync(join(s3, 'whip-failing', prefix, 'media', 'hls', 'high', 'init-0.mp4')) ? true : undefined));
    await ok(['local', 'fail', 'recording', '--stage', stageArn, '--participant', participantId]);
    interrupt.abort();
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const { participant } = await api('GetParticipant', { stageArn, sessionId, participantId });
    expect(participant.recordingState).toBe('FAILED');
    expect(names(await logged(stageArn))).toEqual(['Participant Published', 'Recording Start', 'Recording End Failure', 'Participant Unpublished']);
    const events = join(s3, 'whip-failing', participant.recordingS3Prefix, 'events');
    const failed = await eventually('recording-failed.json', async () => (existsSync(join(events, 'recording-failed.json')) ? readJson(join(events, 'recording-failed.json')) : undefined));
    expect(failed).toMatchObject({ recording_status: 'RECORDING_ENDED_WITH_FAILURE', participant_id: participantId, recording_started_at: readJson(join(events, 'recording-started.json')).recording_started_at });
    expect(failed.recording_ended_at).toMatch(/Z$/);
    expect(failed.media.hls.duration_ms).toBeGreaterThan(0);
    expect(existsSync(join(events, 'recording-ended.json'))).toBe(false);
  });

  it('a WHIP publisher that never sends media stays STARTING and is never recorded: no Recording Start or End, no files', async () => {
    const stageArn = await recordedStage('whip-no-media', 'whip-silent');
    // An "ffmpeg" that sends nothing: the WHIP session connects and publishes, and no RTP ever follows.
    const bin = scratchDir('silent-ffmpeg');
    writeFileSync(join(bin, 'ffmpeg'), '#!/bin/sh\nexec sleep 60\n');
    chmodSync(join(bin, 'ffmpeg'), 0o755);
    const PATH = `${bin}:${process.env.PATH}`;
    // It publishes until interrupted (Ctrl-C), not for a time that a loaded machine could use up before the checks.
    const interrupt = new AbortController();
    const run = cli(['publish', stageArn, '--json'], { PATH }, interrupt.signal);
    const sessionId: string = await eventually('the session', async () => (await api('ListStageSessions', { stageArn })).stageSessions[0]?.sessionId);
    const publisher = await eventually('the publisher connected and publishing', async () => {
      const { participants } = await api('ListParticipants', { stageArn, sessionId });
      return (participants as { participantId: string; published: boolean }[]).find((p) => p.published);
    });
    const get = async () => (await api('GetParticipant', { stageArn, sessionId, participantId: publisher.participantId })).participant;
    // Well past the start-up a simulated publisher's recording takes (recording.ts RECORDING_STARTUP_MS).
    await ok(['local', 'clock', '--advance', '5']);
    expect((await get()).recordingState).toBe('STARTING');

    interrupt.abort();
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(result.json().endedBy).toBe('Ctrl-C');
    expect(await participantEvents(api, stageArn, publisher.participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    expect((await get()).recordingState).toBe('STOPPED');
    await ok(['local', 'clock', '--advance', String(WINDOW_SECONDS + 1)]);
    expect(names(await logged(stageArn))).toEqual(['Participant Published', 'Participant Unpublished']);
    expect(existsSync(join(s3, 'whip-silent')) ? readdirSync(join(s3, 'whip-silent'), { recursive: true }).filter((f) => String(f).includes('.')) : []).toEqual([]);
  });
});
