// Individual participant recording of a WHIP publisher into `ivsrt local start --s3-dir DIR`: the User
// Guide's layout under DIR/<bucket>/<recordingS3Prefix>, its metadata files, and HLS that ffprobe plays.
// The emulator's clock starts at a fixed instant (--clock-start), far from today: the metadata's times and
// the playlist's EXT-X-PROGRAM-DATE-TIME follow it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { scratchDir } from '../helpers/scratch.js';
import { playlistDurationMs } from '../../src/emulator/media/recording-files.js';
import { eventually } from '../helpers/wait.js';

const noFfmpeg = findFfmpeg() === undefined;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
if (noFfmpeg) console.warn('skipping the recording test: ffmpeg not installed (apt-get install ffmpeg)');

const s3 = scratchDir('s3');
const CLOCK_START = '2031-03-04T05:06:07Z';
const bed = emulatorBed(['--s3-dir', s3, '--clock-start', CLOCK_START]);
/** Within the hour after CLOCK_START: on the emulator's clock, not the wall clock. */
const onEmulatorClock = (iso: string) => Date.parse(iso) >= Date.parse(CLOCK_START) && Date.parse(iso) < Date.parse(CLOCK_START) + 3_600_000;

describe.skipIf(noFfmpeg)('recording a WHIP publisher to --s3-dir', () => {
  it('writes events/recording-started.json, HLS (multivariant + high rendition, fMP4, ended) and, when the recording ends, recording-ended.json', async () => {
    const { storageConfiguration } = await bed.api('CreateStorageConfiguration', { name: 'rec', s3: { bucketName: 'rec-bucket' } });
    const { stage } = await bed.api('CreateStage', {
      name: 'recorded',
      autoParticipantRecordingConfiguration: { storageConfigurationArn: storageConfiguration.arn, hlsConfiguration: { targetSegmentDurationSeconds: 2 } },
    });
    const run = await bed.cli(['publish', 'recorded', '--duration', '6', '--resolution', '640x360', '--bitrate', '600', '--fps', '15', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { participantId } = run.json();
    const sessionId: string = (await bed.api('ListStageSessions', { stageArn: stage.arn })).stageSessions[0].sessionId;
    const { participant } = await bed.api('GetParticipant', { stageArn: stage.arn, sessionId, participantId });
    expect(participant.recordingS3BucketName).toBe('rec-bucket');
    const dir = join(s3, 'rec-bucket', participant.recordingS3Prefix);

    const ended = await eventually('recording-ended.json', async () => {
      const path = join(dir, 'events', 'recording-ended.json');
      return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
    });
    const started = JSON.parse(readFileSync(join(dir, 'events', 'recording-started.json'), 'utf8'));
    // Every field the User Guide's "JSON Metadata Files" table gives, and no other (thumbnails are off by default).
    const hls = { path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: 'high', playlist: 'playlist.m3u8' }] };
    const common = { version: 'v1', stage_arn: stage.arn, session_id: sessionId, participant_id: participantId };
    expect(started).toEqual({ ...common, recording_started_at: expect.stringMatching(RFC3339), recording_status: 'RECORDING_STARTED', media: { hls } });
    expect(ended).toEqual({
      ...common,
      recording_started_at: started.recording_started_at,
      recording_ended_at: expect.stringMatching(RFC3339),
      recording_status: 'RECORDING_ENDED',
      media: { hls: { duration_ms: expect.any(Number), ...hls } },
    });
    expect(Date.parse(ended.recording_ended_at)).toBeGreaterThanOrEqual(Date.parse(ended.recording_started_at));
    expect([started.recording_started_at, ended.recording_ended_at].filter(onEmulatorClock)).toHaveLength(2);
    expect(existsSync(join(dir, 'events', 'recording-failed.json'))).toBe(false);

    // The last, partial segment and the end of the playlist are written when the media stops.
    const playlist = readFileSync(join(dir, 'media', 'hls', 'high', 'playlist.m3u8'), 'utf8');
    expect(playlist).toMatch(/^#EXT-X-MAP:URI="init-0\.mp4"$/m);
    expect(playlist).toMatch(/^\d+\.mp4$/m);
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const recordedMs = playlistDurationMs(playlist);
    expect(ended.media.hls.duration_ms).toBe(recordedMs);
    // The recording holds the frames sent (15 a second of media, however long a loaded machine took to encode
    // them), but the last few in flight.
    const sentMs = (run.json().videoFramesSent / 15) * 1000;
    expect(sentMs).toBeGreaterThan(2_000);
    expect(recordedMs).toBeGreaterThan(sentMs - 500);
    expect(recordedMs).toBeLessThan(sentMs + 500);
    // Each segment's program date-time: from the recording's start on the emulator's clock, a segment's duration apart.
    const dates = [...playlist.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);
    const durations = [...playlist.matchAll(/^#EXTINF:([\d.]+)/gm)].map((m) => Number(m[1]) * 1000);
    expect(dates).toHaveLength(durations.length);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(dates[0]!) - Date.parse(started.recording_started_at)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(dates[0]!) - Date.parse(started.recording_started_at)).toBeLessThan(2_000);
    dates.slice(1).forEach((date, i) => expect(Math.abs(Date.parse(date) - Date.parse(dates[i]!) - durations[i]!)).toBeLessThanOrEqual(1));
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', join(dir, 'media', 'hls', 'multivariant.m3u8')], { encoding: 'utf8' }),
    ) as { streams: { codec_name: string; width?: number; height?: number }[] };
    expect(probe.streams).toEqual(expect.arrayContaining([{ codec_name: 'h264', width: 640, height: 360 }, { codec_name: 'aac' }]));
  });

  it('with thumbnails on (INTERVAL, SEQUENTIAL and LATEST): JPEGs every interval under media/thumbnails and media/latest_thumbnail, named in the metadata', async () => {
    const { storageConfiguration } = await bed.api('CreateStorageConfiguration', { name: 'thumbs', s3: { bucketName: 'thumb-bucket' } });
    const { stage } = await bed.api('CreateStage', {
      name: 'thumbnailed',
      autoParticipantRecordingConfiguration: {
        storageConfigurationArn: storageConfiguration.arn,
        thumbnailConfiguration: { recordingMode: 'INTERVAL', storage: ['SEQUENTIAL', 'LATEST'], targetIntervalSeconds: 1 },
      },
    });
    const run = await bed.cli(['publish', 'thumbnailed', '--duration', '5', '--resolution', '320x180', '--bitrate', '300', '--fps', '15', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const sessionId: string = (await bed.api('ListStageSessions', { stageArn: stage.arn })).stageSessions[0].sessionId;
    const { participant } = await bed.api('GetParticipant', { stageArn: stage.arn, sessionId, participantId: run.json().participantId });
    const dir = join(s3, 'thumb-bucket', participant.recordingS3Prefix);
    const ended = await eventually('recording-ended.json', async () => {
      const path = join(dir, 'events', 'recording-ended.json');
      return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
    });
    expect(ended.media.thumbnails).toEqual({ path: 'media/thumbnails', renditions: [{ path: 'high' }] });
    expect(ended.media.latest_thumbnail).toEqual({ path: 'media/latest_thumbnail', renditions: [{ path: 'high' }] });
    const started = JSON.parse(readFileSync(join(dir, 'events', 'recording-started.json'), 'utf8'));
    expect(Object.keys(started.media)).toEqual(['hls', 'thumbnails', 'latest_thumbnail']);
    // About one a second of the media recorded, numbered from 1, each a JPEG.
    const sequential = readdirSync(join(dir, 'media', 'thumbnails', 'high')).sort((a, b) => parseInt(a) - parseInt(b));
    expect(sequential.length).toBeGreaterThanOrEqual(Math.floor(ended.media.hls.duration_ms / 1000) - 1);
    expect(sequential).toEqual(sequential.map((_, i) => `${i + 1}.jpg`));
    for (const file of [join(dir, 'media', 'thumbnails', 'high', '1.jpg'), join(dir, 'media', 'latest_thumbnail', 'high', 'thumb.jpg')]) {
      expect([...readFileSync(file).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    }
  });
});
