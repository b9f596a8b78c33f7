// Individual participant recording of a WHIP publisher into `ivsrt local start --s3-dir DIR`: the User
// Guide's layout under DIR/<bucket>/<recordingS3Prefix>, its metadata files, and HLS that ffprobe plays.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { scratchDir } from '../helpers/scratch.js';
import { eventually } from './media.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the recording test: ffmpeg not installed (apt-get install ffmpeg)');

const s3 = scratchDir('s3');
const bed = emulatorBed(['--s3-dir', s3]);

describe.skipIf(noFfmpeg)('recording a WHIP publisher to --s3-dir', () => {
  it('writes events/recording-started.json, HLS (multivariant + high rendition) and, when the media stops, recording-ended.json', async () => {
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
    for (const meta of [started, ended]) {
      expect(meta).toMatchObject({ version: 'v1', stage_arn: stage.arn, participant_id: participantId, session_id: sessionId });
      expect(meta.media.hls).toEqual({ path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: 'high', playlist: 'playlist.m3u8' }] });
    }
    expect(Date.parse(ended.recording_ended_at)).toBeGreaterThanOrEqual(Date.parse(ended.recording_started_at));

    const playlist = readFileSync(join(dir, 'media', 'hls', 'high', 'playlist.m3u8'), 'utf8');
    expect(playlist).toMatch(/^\d+\.ts$/m);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', join(dir, 'media', 'hls', 'multivariant.m3u8')], { encoding: 'utf8' }),
    ) as { streams: { codec_name: string; width?: number; height?: number }[] };
    expect(probe.streams).toEqual(expect.arrayContaining([{ codec_name: 'h264', width: 640, height: 360 }, { codec_name: 'opus' }]));
  });
});
