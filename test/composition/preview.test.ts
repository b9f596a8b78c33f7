// `ivsrt composition preview` end to end: the real bin draws the layout with ffmpeg, offline (no emulator,
// no endpoint), and the PNG's pixels show the tiles where the layout puts them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { decodeFrame, extentAround, near, pixel, type Rgb } from './pixels.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the composition preview drawings: ffmpeg not installed (apt-get install ffmpeg)');
const PLACEHOLDER: Rgb = [0x40, 0x40, 0x40];
const BLACK: Rgb = [0, 0, 0];
const MARK: Rgb = [0xff, 0xd2, 0x00];
// Nowhere to send a request: the preview must not need one.
const OFFLINE = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

describe.skipIf(noFfmpeg)('ivsrt composition preview', () => {
  it('draws a featured grid: each tile where --json says, gaps black, the featured tile framed', async () => {
    const out = join(scratchDir('preview'), 'grid.png');
    const res = await runCli(['composition', 'preview', '--participants', 'alice,bob,carol', '--featured', 'bob', '--gap', '8', '--size', '960x540', '--out', out, '--json'], { env: OFFLINE });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/wrote .*grid\.png \(960x540, 3 tiles\)/);
    const tiles = res.json<{ userId: string; role: string; x: number; y: number; width: number; height: number }[]>();
    expect(tiles.map((t) => [t.userId, t.role])).toEqual([['bob', 'featured'], ['alice', 'grid'], ['carol', 'grid']]);
    const frame = decodeFrame(out);
    expect([frame.width, frame.height]).toEqual([960, 540]);
    for (const t of tiles) {
      const cx = t.x + Math.floor(t.width / 2);
      const cy = t.y + Math.floor(t.height / 2);
      expect(near(pixel(frame, cx, cy), PLACEHOLDER, 8), `${t.userId} centre`).toBe(true);
      const found = extentAround(frame, cx, cy, PLACEHOLDER, 8);
      if (t.role === 'grid') expect(found).toEqual({ x: t.x, y: t.y, width: t.width, height: t.height });
    }
    const featured = tiles[0]!;
    expect(near(pixel(frame, featured.x + 1, featured.y + Math.floor(featured.height / 2)), MARK, 40)).toBe(true);
    expect(near(pixel(frame, featured.x + featured.width + 4, 270), BLACK, 8)).toBe(true);
  });

  it('draws PiP in the corner it is told, pipOffset from the edges', async () => {
    const out = join(scratchDir('preview'), 'pip.png');
    const res = await runCli(['composition', 'preview', '--layout', 'pip', '--participants', 'host,guest', '--pip', 'guest', '--pip-position', 'top-right', '--pip-offset', '16', '--pip-width', '320', '--out', out, '--json'], { env: OFFLINE });
    expect(res.code, res.stderr).toBe(0);
    const [main, pip] = res.json<{ role: string; x: number; y: number; width: number; height: number }[]>();
    expect(main).toMatchObject({ role: 'main', x: 0, y: 0, width: 1280, height: 720 });
    expect(pip).toMatchObject({ role: 'pip', x: 1280 - 320 - 16, y: 16, width: 320, height: 180 });
    const frame = decodeFrame(out);
    // The PiP window's frame is where the layout puts it.
    expect(near(pixel(frame, 1280 - 16 - 160, 17), MARK, 40)).toBe(true);
    expect(near(pixel(frame, 1280 - 16 - 160, 14), PLACEHOLDER, 8)).toBe(true);
  });

  it('refuses bad flags in one line each (exit 252)', async () => {
    const cases: [string[], RegExp][] = [
      [['--participants', '3'], /--out <file> is required/],
      [['--out', 'x.png'], /either --participants N .* or --stage/],
      [['--participants', '3', '--pip-offset', '4', '--out', 'x.png'], /--pip-offset is a PiP setting; add --layout pip/],
      [['--participants', 'a,b', '--featured', 'c', '--out', 'x.png'], /--featured "c" is not one of the participants \(a, b\)/],
      [['--participants', '13', '--out', 'x.png'], /--participants must be a count from 1 to 12/],
      [['--participants', '2', '--size', 'big', '--out', 'x.png'], /--size must be WIDTHxHEIGHT/],
      // It said "must be WIDTHxHEIGHT" of these, as if the form were wrong, and never the range.
      ...['99999x99999', '1920x1920', '1x720', '1281x720'].map((size): [string[], RegExp] => [
        ['--participants', '2', '--size', size, '--out', 'x.png'],
        new RegExp(`^error: --size must be an encoder configuration's size: width and height even, 2-1920 each and at most 2073600 pixels together \\(e\\.g\\. 1920x1080 or 1080x1920\\), got ${size}$`),
      ]),
    ];
    for (const [args, message] of cases) {
      const res = await runCli(['composition', 'preview', ...args], { env: OFFLINE });
      expect(res.code, args.join(' ')).toBe(252);
      expect(res.stderr.trim().split('\n')[0]).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
