// What a WHIP publisher's recording holds, judged against the media it sent (frames counted by the
// publisher), never against wall-clock seconds: the opening seconds are kept (the recorder asks for a key
// frame as the recording starts and records from it), AUDIO_ONLY holds no video track, and mediaTypes NONE
// writes thumbnails only. ffprobe reads what was written.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { scratchDir } from '../helpers/scratch.js';
import { whipClient, whipClientMissing } from './media.js';
import { eventually } from '../helpers/wait.js';
import { measuredPublisher, mediaOf } from './whip-api.js';
import { playlistDurationMs } from '../../src/emulator/media/recording-files.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the recording media tests: ffmpeg not installed (apt-get install ffmpeg)');

const s3 = scratchDir('s3-media');
const bed = emulatorBed(['--s3-dir', s3]);
const FPS = 15;

const noWhipClient = whipClientMissing();

/** recording-ended.json under `dir`, once it is there. */
function whenEnded(dir: string): Promise<Record<string, any>> {
  return eventually(`${dir}: recording-ended.json`, (see) => {
    const path = join(dir, 'events', 'recording-ended.json');
    see({ events: existsSync(join(dir, 'events')) ? readdirSync(join(dir, 'events')) : 'no events directory' });
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>) : undefined;
  });
}

/** The video frames ffprobe decodes from a recording's HLS (0 when it has no video stream). */
function framesIn(dir: string): number {
  const { streams } = probe(join(dir, 'media', 'hls', 'multivariant.m3u8'), ['-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames']);
  return Number(streams[0]?.nb_read_frames ?? 0);
}

/** A stage recording to its own bucket with `recording`, published for `seconds` by `ivsrt publish`; its recording's directory once it has ended. */
async function recorded(name: string, recording: Record<string, unknown>, seconds: number): Promise<{ dir: string; framesSent: number; ended: Record<string, any> }> {
  const { storageConfiguration } = await bed.api('CreateStorageConfiguration', { name, s3: { bucketName: `${name}-bucket` } });
  const { stage } = await bed.api('CreateStage', { name, autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration.arn, ...recording } });
  const run = await bed.cli(['publish', name, '--duration', String(seconds), '--resolution', '320x180', '--bitrate', '300', '--fps', String(FPS), '--json']);
  expect(run.code, run.stderr).toBe(0);
  const { participantId, videoFramesSent } = run.json();
  const sessionId: string = (await bed.api('ListStageSessions', { stageArn: stage.arn })).stageSessions[0].sessionId;
  const { participant } = await bed.api('GetParticipant', { stageArn: stage.arn, sessionId, participantId });
  expect(participant).toMatchObject({ recordingS3BucketName: `${name}-bucket`, recordingS3Prefix: expect.stringMatching(/\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/) });
  const dir = join(s3, `${name}-bucket`, participant.recordingS3Prefix);
  return { dir, framesSent: videoFramesSent as number, ended: await whenEnded(dir) };
}

function probe(path: string, args: string[]): Record<string, any> {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', ...args, '-of', 'json', path], { encoding: 'utf8' }));
}

/** The emulator's own routes (clock, local join) need its secret. */
const admin = () => ({ IVSRT_ADMIN_SECRET: bed.emu.adminSecret, IVSRT_HOME: bed.emu.home });

describe.skipIf(noFfmpeg)('recording a WHIP publisher: what the files hold', () => {
  it('keeps the opening seconds: the recording holds every frame the publisher sent but the last few in flight; EXT-X-PROGRAM-DATE-TIME follows the emulator clock, in UTC with Z', async () => {
    // The emulator's clock a day ahead of the wall clock, so a date taken from the wall clock shows.
    const advanced = await bed.cli(['local', 'clock', '--advance', '86400'], admin());
    expect(advanced.code, advanced.stderr).toBe(0);
    const { dir, framesSent, ended } = await recorded('opening', { hlsConfiguration: { targetSegmentDurationSeconds: 2 } }, 6);
    expect(framesSent).toBeGreaterThan(FPS * 2);
    const framesRecorded = framesIn(dir);
    // Frames are counted, not seconds: a slow machine sends fewer, and the recording must still hold them.
    expect(framesRecorded).toBeLessThanOrEqual(framesSent);
    expect(framesSent - framesRecorded).toBeLessThanOrEqual(3);

    const playlist = readFileSync(join(dir, 'media', 'hls', 'high', 'playlist.m3u8'), 'utf8');
    const dates = [...playlist.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The first segment starts with the recording (the emulator clock's recording_started_at, to the second).
    const startedAt = Date.parse(ended.recording_started_at);
    expect(Date.parse(dates[0]!)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(dates[0]!)).toBeLessThan(startedAt + 5_000);
    expect(Date.parse(dates[0]!)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // Each later one is the first plus the durations of the segments before it.
    const durations = [...playlist.matchAll(/^#EXTINF:([\d.]+)/gm)].map((m) => Number(m[1]));
    dates.forEach((date, i) => expect(Math.abs(Date.parse(date) - Date.parse(dates[0]!) - durations.slice(0, i).reduce((a, b) => a + b, 0) * 1000)).toBeLessThanOrEqual(1));
  });

  it('AUDIO_ONLY: the recording holds an audio track and no video track', async () => {
    const { dir, ended } = await recorded('audio-only', { mediaTypes: ['AUDIO_ONLY'] }, 3);
    const { streams } = probe(join(dir, 'media', 'hls', 'multivariant.m3u8'), ['-show_entries', 'stream=codec_type,codec_name']);
    expect(streams).toEqual([{ codec_type: 'audio', codec_name: 'aac' }]);
    expect(readFileSync(join(dir, 'media', 'hls', 'multivariant.m3u8'), 'utf8')).toContain('CODECS="mp4a.40.2"');
    expect(ended.media.hls.duration_ms).toBeGreaterThan(0);
  });

  it('NONE is a thumbnail-only recording: the participant is recorded (state, bucket, prefix, events) and only thumbnails are written', async () => {
    const thumbnailConfiguration = { recordingMode: 'INTERVAL', storage: ['SEQUENTIAL'], targetIntervalSeconds: 1 };
    const { dir, ended } = await recorded('thumbs-only', { mediaTypes: ['NONE'], thumbnailConfiguration }, 3);
    expect(ended.recording_status).toBe('RECORDING_ENDED');
    expect(ended.media).toEqual({ thumbnails: { path: 'media/thumbnails', renditions: [{ path: 'high' }] } });
    expect(existsSync(join(dir, 'media', 'hls'))).toBe(false);
    expect(readdirSync(join(dir, 'media', 'thumbnails', 'high'))).toContain('1.jpg');
    const started = JSON.parse(readFileSync(join(dir, 'events', 'recording-started.json'), 'utf8'));
    expect(started.recording_status).toBe('RECORDING_STARTED');
    // Its ffmpeg, which reads video only, stopped on the stop signal rather than being killed after the grace period.
    expect(bed.emu.output()).not.toMatch(/recording: ffmpeg exited with SIGKILL/);
  });

  it.skipIf(noWhipClient !== undefined)('asks a publisher back within the reconnect window for a key frame, so its second part is recorded from its start (a 30 s key-frame interval)', async () => {
    const name = 'comeback';
    const { storageConfiguration } = await bed.api('CreateStorageConfiguration', { name, s3: { bucketName: `${name}-bucket` } });
    const { stage } = await bed.api('CreateStage', {
      name,
      autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration.arn, recordingReconnectWindowSeconds: 60 },
    });
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, userId: 'gst' });
    const participantId: string = participantToken.participantId;
    // A viewer keeps the stage session open while the publisher is away (the emulator merges within a session).
    const viewer = await bed.cli(['local', 'join', '--stage', stage.arn, '--user-id', 'viewer'], admin());
    expect(viewer.code, viewer.stderr).toBe(0);

    /** One WHIP session of simple-whip-client, whose encoder schedules a key frame only every 30 s; the frames the emulator had from it when it was stopped. */
    async function publishPart(): Promise<number> {
      const client = whipClient(stage.endpoints.whip, participantToken.token, { width: 320, height: 180, kbps: 300, fps: FPS, keyframeInterval: FPS * 30 });
      try {
        const publisher = await measuredPublisher(bed.emu.url, 'three seconds of frames received', (p) => p.participantId === participantId && p.media.framesReceived >= FPS * 3, () => `the client said: ${client.output().trim().split('\n').slice(-5).join(' / ')}`);
        expect(await client.stop()).not.toBeNull();
        await eventually('the WHIP session to end', async () => ((await mediaOf(bed.emu.url)).some((q) => q.participantId === participantId) ? undefined : true));
        return publisher.media.framesReceived;
      } finally {
        await client.stop();
      }
    }
    const first = await publishPart();
    const second = await publishPart();
    const sessionId: string = (await bed.api('ListStageSessions', { stageArn: stage.arn })).stageSessions[0].sessionId;
    const { participant } = await bed.api('GetParticipant', { stageArn: stage.arn, sessionId, participantId });
    const dir = join(s3, `${name}-bucket`, participant.recordingS3Prefix);
    const advanced = await bed.cli(['local', 'clock', '--advance', '61'], admin());
    expect(advanced.code, advanced.stderr).toBe(0);
    const ended = await whenEnded(dir);
    const playlist = readFileSync(join(dir, 'media', 'hls', 'high', 'playlist.m3u8'), 'utf8');
    expect(playlist.match(/^#EXT-X-DISCONTINUITY$/gm)).toHaveLength(1);
    expect(ended.media.hls.duration_ms).toBe(playlistDurationMs(playlist));
    // Both parts, each bar less than a second before the key frame it asked for came (the media received,
    // counted in frames, is what the recording is held to, not the seconds the publishes took).
    expect(ended.media.hls.duration_ms).toBeGreaterThanOrEqual(((first + second) / FPS - 2) * 1000);
  });
});
