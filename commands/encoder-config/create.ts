import { defineVerb } from '../../src/cli/command.js';
import type { Violation } from '../../src/model/validate.js';
import { tagsOption } from '../stage/shared.js';
import { encoderColumns, MAX_PIXELS } from './shared.js';
const DEFAULT = { width: 1280, height: 720 };

export const verb = defineVerb({
  summary: 'Create an encoder configuration (resolution, framerate, bitrate)',
  order: 10,
  operation: 'CreateEncoderConfiguration',
  description:
    'Creates an encoder configuration: the video a composition renders (defaults 1280x720, 30 fps, 2.5 Mbps). ' +
    'Width and height must be even, 2-1920 each and at most 2,073,600 pixels together; framerate 1-60; bitrate up to 8,500,000 bps.',
  examples: [
    { command: 'ivsrt encoder-config create --name hd --width 1920 --height 1080 --framerate 30 --bitrate 6000000' },
    { command: 'ivsrt encoder-config create --name portrait --width 720 --height 1280', description: 'vertical video for phones' },
  ],
  options: [
    { flags: '--name <name>', description: 'encoder configuration name (letters, digits, - and _; up to 128)', field: 'name' },
    { flags: '--width <pixels>', description: 'video width, even, 2-1920 (default 1280)', field: 'video.width', parse: 'int' },
    { flags: '--height <pixels>', description: 'video height, even, 2-1920 (default 720)', field: 'video.height', parse: 'int' },
    { flags: '--framerate <fps>', description: 'frames per second, 1-60, fractions allowed (default 30)', field: 'video.framerate', parse: 'float' },
    { flags: '--bitrate <bps>', description: 'video bitrate in bits per second, 1-8500000 (default 2500000)', field: 'video.bitrate', parse: 'int' },
    tagsOption,
  ],
  validate(request) {
    const video = (request.video ?? {}) as { width?: unknown; height?: unknown };
    const out: Violation[] = [];
    for (const side of ['width', 'height'] as const) {
      const value = video[side];
      if (typeof value === 'number' && Number.isInteger(value) && value % 2 !== 0) out.push({ path: `video.${side}`, rule: `must be an even number, got ${value}` });
    }
    const width = typeof video.width === 'number' ? video.width : DEFAULT.width;
    const height = typeof video.height === 'number' ? video.height : DEFAULT.height;
    const inRange = (n: number) => Number.isInteger(n) && n >= 2 && n <= 1920;
    if (inRange(width) && inRange(height) && width * height > MAX_PIXELS) {
      const [path, other] = typeof video.width === 'number' ? ['video.width', '--height'] : ['video.height', '--width'];
      out.push({ path, rule: `times ${other} must be at most ${MAX_PIXELS} pixels (1920x1080), got ${width}x${height} = ${width * height}` });
    }
    return out;
  },
  output: { root: 'encoderConfiguration', columns: encoderColumns },
});
