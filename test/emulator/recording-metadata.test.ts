// The metadata files of both kinds of recording, byte for byte: the individual participant recording
// (whip/recorder.ts) and the composite recording (composition/composite-recording.ts) write the fields
// in the order of the User Guide's example files (docs/fidelity.md, "Recording of WHIP publishers" and
// the composite recording's metadata fields), 2-space JSON and a final newline. No media is needed: the
// files are written from the recording's state, the media's duration read from its playlist.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompositeRecording, type CompositeTarget } from '../../src/emulator/media/composition/composite-recording.js';
import { Recorder, type RecordingTarget } from '../../src/emulator/media/whip/recorder.js';
import { scratchDir } from '../helpers/scratch.js';

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl';
const STARTED = Date.parse('2031-05-04T03:02:01.400Z');
const ENDED = Date.parse('2031-05-04T03:03:07.900Z');
const read = (dir: string, file: string): string => readFileSync(join(dir, 'events', file), 'utf8');

/** The closing file of a recording whose recording-started.json was `started`: the end time after the start time, the outcome, and the duration first in hls. */
const closing = (started: string, status: string, durationMs: number): string =>
  started
    .replace('  "recording_status": "RECORDING_STARTED",\n', `  "recording_ended_at": "2031-05-04T03:03:07Z",\n  "recording_status": "${status}",\n`)
    .replace('    "hls": {\n', `    "hls": {\n      "duration_ms": ${durationMs},\n`);

describe('individual participant recording metadata', () => {
  const target = (dir: string, over: Partial<RecordingTarget> = {}): RecordingTarget => ({
    dir, stageArn: STAGE, sessionId: 'st-Session1', participantId: 'Participant1', segmentSeconds: 6, mediaTypes: 'AUDIO_VIDEO', now: () => STARTED, ...over,
  });

  it('writes recording-started.json and recording-ended.json with the session and participant, in the example files\' order', async () => {
    const dir = scratchDir('metadata-individual');
    const recorder = new Recorder(target(dir, { thumbnails: { intervalSeconds: 60, sequential: true, latest: true } }), () => undefined);
    recorder.start(STARTED);
    const started = read(dir, 'recording-started.json');
    expect(started).toBe(`{
  "version": "v1",
  "stage_arn": "${STAGE}",
  "session_id": "st-Session1",
  "participant_id": "Participant1",
  "recording_started_at": "2031-05-04T03:02:01Z",
  "recording_status": "RECORDING_STARTED",
  "media": {
    "hls": {
      "path": "media/hls",
      "playlist": "multivariant.m3u8",
      "renditions": [
        {
          "path": "high",
          "playlist": "playlist.m3u8"
        }
      ]
    },
    "thumbnails": {
      "path": "media/thumbnails",
      "renditions": [
        {
          "path": "high"
        }
      ]
    },
    "latest_thumbnail": {
      "path": "media/latest_thumbnail",
      "renditions": [
        {
          "path": "high"
        }
      ]
    }
  }
}
`);
    mkdirSync(join(dir, 'media', 'hls', 'high'), { recursive: true });
    writeFileSync(join(dir, 'media', 'hls', 'high', 'playlist.m3u8'), '#EXTM3U\n#EXTINF:6.0,\n0.mp4\n#EXTINF:2.25,\n1.mp4\n#EXT-X-ENDLIST\n');
    await recorder.close('RECORDING_ENDED', ENDED);
    expect(read(dir, 'recording-ended.json')).toBe(closing(started, 'RECORDING_ENDED', 8250));
  });

  it('a recording that never started fails with neither start nor end time; thumbnails only (NONE) list no hls', async () => {
    const dir = scratchDir('metadata-individual-failed');
    const recorder = new Recorder(target(dir, { mediaTypes: 'NONE', thumbnails: { intervalSeconds: 30, sequential: true, latest: false } }), () => undefined);
    await recorder.close('RECORDING_START_FAILED', ENDED);
    expect(read(dir, 'recording-failed.json')).toBe(`{
  "version": "v1",
  "stage_arn": "${STAGE}",
  "session_id": "st-Session1",
  "participant_id": "Participant1",
  "recording_status": "RECORDING_START_FAILED",
  "media": {
    "thumbnails": {
      "path": "media/thumbnails",
      "renditions": [
        {
          "path": "high"
        }
      ]
    }
  }
}
`);
  });
});

describe('composite recording metadata', () => {
  const target = (dir: string, over: Partial<CompositeTarget> = {}): CompositeTarget => ({
    dir,
    stageArn: STAGE,
    compositionArn: 'arn:aws:ivs:us-east-1:123456789012:composition/Composition1',
    destinationId: 'Destination1',
    rendition: { encoderId: 'abcdeABCDE12', width: 320, height: 180, framerate: 15, bitrate: 500_000 },
    segmentSeconds: 2,
    workDir: scratchDir('metadata-work'),
    now: () => STARTED,
    onStarted: () => undefined,
    onClosed: () => undefined,
    ...over,
  });

  it('writes recording-started.json and recording-ended.json with the stage only and the picture size, in the example files\' order', () => {
    const dir = scratchDir('metadata-composite');
    let now = STARTED;
    const recording = new CompositeRecording(target(dir, { now: () => now, thumbnails: { intervalSeconds: 60, sequential: false, latest: true } }));
    const { path } = recording.hlsSlave();
    writeFileSync(path, '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\n0.ts\n#EXTINF:1.5,\n1.ts\n');
    recording.sync();
    const started = read(dir, 'recording-started.json');
    expect(started).toBe(`{
  "version": "v1",
  "stage_arn": "${STAGE}",
  "recording_started_at": "2031-05-04T03:02:01Z",
  "recording_status": "RECORDING_STARTED",
  "media": {
    "hls": {
      "path": "media/hls",
      "playlist": "multivariant.m3u8",
      "renditions": [
        {
          "path": "180p15-abcdeABCDE12",
          "playlist": "playlist.m3u8",
          "resolution_width": 320,
          "resolution_height": 180
        }
      ]
    },
    "latest_thumbnail": {
      "path": "media/latest_thumbnail",
      "resolutions": [
        {
          "path": "320x180",
          "resolution_width": 320,
          "resolution_height": 180
        }
      ]
    }
  }
}
`);
    now = ENDED;
    recording.close('RECORDING_ENDED', true);
    expect(read(dir, 'recording-ended.json')).toBe(closing(started, 'RECORDING_ENDED', 3500));
  });

  it('a destination that fails before its first segment writes recording-failed.json as RECORDING_START_FAILED, with no times', () => {
    const dir = scratchDir('metadata-composite-failed');
    const recording = new CompositeRecording(target(dir));
    recording.close('RECORDING_ENDED_WITH_FAILURE', true);
    expect(read(dir, 'recording-failed.json')).toBe(`{
  "version": "v1",
  "stage_arn": "${STAGE}",
  "recording_status": "RECORDING_START_FAILED",
  "media": {
    "hls": {
      "duration_ms": 0,
      "path": "media/hls",
      "playlist": "multivariant.m3u8",
      "renditions": [
        {
          "path": "180p15-abcdeABCDE12",
          "playlist": "playlist.m3u8",
          "resolution_width": 320,
          "resolution_height": 180
        }
      ]
    }
  }
}
`);
  });
});
