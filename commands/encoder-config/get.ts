import { getVerb } from '../shared/config-verbs.js';
import { encoderColumns } from './shared.js';

export const verb = getVerb('encoder-config', {
  summary: 'Show an encoder configuration',
  order: 20,
  operation: 'GetEncoderConfiguration',
  description: 'Shows an encoder configuration: its video width, height, framerate and bitrate, and its tags.',
  examples: [
    { command: 'ivsrt encoder-config get hd', description: 'by name' },
    { command: 'ivsrt encoder-config get hd --query encoderConfiguration.video', description: 'just the video settings' },
  ],
  output: { root: 'encoderConfiguration', columns: encoderColumns },
});
