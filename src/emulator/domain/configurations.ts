// Encoder configurations' video: the service's defaults and its rules on a picture's size.
import { validationError } from '../state/errors.js';
import type { Video } from '../state/store.js';

const VIDEO_DEFAULTS: Video = { width: 1280, height: 720, framerate: 30, bitrate: 2_500_000 };
const MAX_PIXELS = 2_073_600;

export function video(input: Partial<Video> | undefined): Video {
  const v = { ...VIDEO_DEFAULTS, ...input };
  const problems: string[] = [];
  if (v.width % 2 !== 0) problems.push('video.width must be an even number');
  if (v.height % 2 !== 0) problems.push('video.height must be an even number');
  if (v.width * v.height > MAX_PIXELS) problems.push(`video.width x video.height must be at most ${MAX_PIXELS} pixels (got ${v.width * v.height})`);
  if (problems.length > 0) {
    throw validationError(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }
  return v;
}
