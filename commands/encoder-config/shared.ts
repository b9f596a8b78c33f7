import type { Column } from '../../src/cli/command.js';
import { idOf } from '../shared/config-verbs.js';

export const encoderColumns: Column[] = [
  { header: 'NAME', field: 'name' },
  { header: 'ID', field: 'arn', value: (row) => idOf(row.arn) },
  { header: 'WIDTH', field: 'video.width' },
  { header: 'HEIGHT', field: 'video.height' },
  { header: 'FPS', field: 'video.framerate' },
  { header: 'BITRATE', field: 'video.bitrate' },
  { header: 'TAGS', field: 'tags' },
];

/** The service's limits on a frame: each side even and 2-1920 (the model), and at most this many pixels together (1920x1080 = 1080x1920). */
export const MAX_PIXELS = 2_073_600;
export const MAX_SIDE = 1920;
