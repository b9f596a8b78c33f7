// Pixels of an image or a video frame, decoded by ffmpeg into RGB: what the composition tests look at.
import { execFileSync } from 'node:child_process';

export interface Frame {
  width: number;
  height: number;
  rgb: Buffer;
}

export type Rgb = [number, number, number];

/** The first frame of `file` (a PNG, a JPEG, an HLS segment...) as RGB; `seek` skips that many seconds in. */
export function decodeFrame(file: string, seek?: number): Frame {
  const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', file], { encoding: 'utf8' });
  const { width, height } = (JSON.parse(probe) as { streams: { width: number; height: number }[] }).streams[0]!;
  const rgb = execFileSync('ffmpeg', ['-v', 'error', ...(seek ? ['-ss', String(seek)] : []), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  return { width, height, rgb };
}

export function pixel(frame: Frame, x: number, y: number): Rgb {
  const i = (y * frame.width + x) * 3;
  return [frame.rgb[i]!, frame.rgb[i + 1]!, frame.rgb[i + 2]!];
}

/** Whether two colours are within `tolerance` on each channel (video coding moves a solid colour a little). */
export function near(a: Rgb, b: Rgb, tolerance = 40): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

/**
 * The bounding rectangle of the pixels near `colour` around (x, y): walks out from the point along its row
 * and column while the colour holds (tiles are rectangles, so this finds their edges).
 */
export function extentAround(frame: Frame, x: number, y: number, colour: Rgb, tolerance = 40): { x: number; y: number; width: number; height: number } {
  const is = (px: number, py: number) => px >= 0 && py >= 0 && px < frame.width && py < frame.height && near(pixel(frame, px, py), colour, tolerance);
  let left = x;
  while (is(left - 1, y)) left--;
  let right = x;
  while (is(right + 1, y)) right++;
  let top = y;
  while (is(x, top - 1)) top--;
  let bottom = y;
  while (is(x, bottom + 1)) bottom++;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}
