import { defineVerb } from '../../src/cli/command.js';
import { referenceArgument } from '../shared/arguments.js';
import { stageColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'Rename a stage or change its recording configuration',
  order: 30,
  operation: 'UpdateStage',
  description: 'Renames a stage or changes its automatic participant recording. Recording settings cannot change while recording is active.',
  examples: [
    { command: 'ivsrt stage update demo --name town-hall' },
    { command: 'ivsrt stage update demo --recording-storage recordings --recording-media AUDIO_VIDEO', description: 'record every participant with the storage configuration named recordings' },
  ],
  args: [referenceArgument('stage')],
  options: [
    { flags: '--name <name>', description: 'new stage name', field: 'name' },
    { flags: '--recording-storage <storage-config>', description: 'storage configuration for automatic participant recording ("" turns it off)', field: 'autoParticipantRecordingConfiguration.storageConfigurationArn', resource: 'storage-config' },
    { flags: '--recording-reconnect-window <seconds>', description: 'a publisher back within this many seconds continues the same recording (0-300; Recording End waits this long)', field: 'autoParticipantRecordingConfiguration.recordingReconnectWindowSeconds', parse: 'int' },
    { flags: '--recording-media <type>', description: 'what to record: AUDIO_VIDEO, AUDIO_ONLY or NONE', field: 'autoParticipantRecordingConfiguration.mediaTypes', parse: 'upperList', choices: ['AUDIO_VIDEO', 'AUDIO_ONLY', 'NONE'] },
  ],
  output: { root: 'stage', columns: stageColumns },
});
