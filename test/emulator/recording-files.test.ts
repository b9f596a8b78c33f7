// The recording files' pure parts (src/emulator/media/recording-files.ts): the one walk over a media
// playlist's segments that every re-dating of EXT-X-PROGRAM-DATE-TIME goes through (the participant
// recording's restamp, the composite recording's per-segment dates, the live output's shift), and the one
// `media` block both kinds of recording write into their metadata files.
import { describe, expect, it } from 'vitest';
import { mediaBlock, playlistDurationMs, playlistSegments, redatePlaylist, restampProgramDateTime, shiftProgramDateTime } from '../../src/emulator/media/recording-files.js';

// As ffmpeg's HLS muxer writes it with program_date_time: EXTINF, then the date, then the URI; a new
// ffmpeg appends after a discontinuity; the last segment has no date.
const PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-PLAYLIST-TYPE:EVENT',
  '#EXTINF:2.000000,',
  '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:00:00.000+0000',
  '0.ts',
  '#EXT-X-DISCONTINUITY',
  '#EXTINF:1.500000,',
  '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:00:05.250+0000',
  '1.ts',
  '#EXTINF:0.5,',
  '2.ts',
  '',
].join('\n');

const dates = (playlist: string): string[] => [...playlist.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);

describe('media playlist dates', () => {
  it('lists each segment with its duration and date, in order', () => {
    expect(playlistSegments(PLAYLIST)).toEqual([
      { uri: '0.ts', seconds: 2, dateMs: Date.parse('2026-01-01T10:00:00.000Z') },
      { uri: '1.ts', seconds: 1.5, dateMs: Date.parse('2026-01-01T10:00:05.250Z') },
      { uri: '2.ts', seconds: 0.5 },
    ]);
    expect(playlistDurationMs(PLAYLIST)).toBe(4_000);
    expect(playlistDurationMs('#EXTM3U\n')).toBe(0);
  });

  it('redates each segment where it has a date, leaving the rest of the playlist as it was', () => {
    const redated = redatePlaylist(PLAYLIST, ({ uri }) => (uri === '1.ts' ? Date.parse('2031-05-04T03:02:01.500Z') : undefined));
    expect(dates(redated)).toEqual(['2026-01-01T10:00:00.000+0000', '2031-05-04T03:02:01.500Z']);
    expect(redated.replace(/^#EXT-X-PROGRAM-DATE-TIME:.*$/gm, '')).toBe(PLAYLIST.replace(/^#EXT-X-PROGRAM-DATE-TIME:.*$/gm, ''));
  });

  it('restamps from a start time plus the durations of the segments before each', () => {
    const start = Date.parse('2031-05-04T03:02:01.000Z');
    expect(dates(restampProgramDateTime(PLAYLIST, start))).toEqual(['2031-05-04T03:02:01.000Z', '2031-05-04T03:02:03.000Z']);
  });

  it('shifts every date by an offset', () => {
    expect(dates(shiftProgramDateTime(PLAYLIST, 1_000))).toEqual(['2026-01-01T10:00:01.000Z', '2026-01-01T10:00:06.250Z']);
  });
});

describe('the metadata files\' media block', () => {
  const both = { intervalSeconds: 60, sequential: true, latest: true };

  it('an individual recording: its rendition by name, thumbnails by rendition; none of HLS for a thumbnail-only one', () => {
    expect(mediaBlock({ rendition: 'high', thumbnails: both, durationMs: 1234 })).toEqual({
      hls: { duration_ms: 1234, path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: 'high', playlist: 'playlist.m3u8' }] },
      thumbnails: { path: 'media/thumbnails', renditions: [{ path: 'high' }] },
      latest_thumbnail: { path: 'media/latest_thumbnail', renditions: [{ path: 'high' }] },
    });
    expect(Object.keys((mediaBlock({ rendition: 'high', durationMs: 1 }) as { hls: object }).hls)).toEqual(['duration_ms', 'path', 'playlist', 'renditions']);
    expect(mediaBlock({ rendition: 'high', thumbnails: { ...both, latest: false }, hls: false })).toEqual({ thumbnails: { path: 'media/thumbnails', renditions: [{ path: 'high' }] } });
  });

  it('a composite recording: its rendition with the picture size, thumbnails by size (resolutions)', () => {
    const size = { width: 320, height: 180 };
    const resolution = { resolution_width: 320, resolution_height: 180 };
    expect(mediaBlock({ rendition: '180p15-abc', thumbnails: { ...both, sequential: false }, size })).toEqual({
      hls: { path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: '180p15-abc', playlist: 'playlist.m3u8', ...resolution }] },
      latest_thumbnail: { path: 'media/latest_thumbnail', resolutions: [{ path: '320x180', ...resolution }] },
    });
  });
});
