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
