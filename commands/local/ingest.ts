import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { emulatorOf, PARTICIPANT_COLUMNS } from './shared.js';


export const verb = defineVerb({
  summary: 'Connect a simulated RTMP(S) encoder with a stream key',
  order: 130,
  description:
    'Connects a simulated RTMP(S) encoder to the local emulator with an ingest configuration\'s stream key: its participant joins the configuration\'s ' +
    'stage and publishes, and the configuration turns ACTIVE. An attempt the service refuses fails with the event error code and is recorded as a ' +
    'PUBLISH_ERROR participant event ("Participant Publish Error" on EventBridge): INVALID_PROTOCOL (RTMP to an RTMPS-only configuration), ' +
    'INVALID_STREAM_KEY (a wrong key for a configuration), REUSE_OF_STREAM_KEY (the key is already live).',
  examples: [
    { command: 'ivsrt local ingest --stream-key - < key.txt', description: 'the key from standard input, out of shell history and ps' },
    { command: 'ivsrt local ingest --stream-key "$KEY" --protocol rtmp', description: 'plain RTMP: refused unless the configuration is RTMP' },
  ],
  options: [
    { flags: '--stream-key <key>', description: 'the stream key (- reads it from standard input, out of ps and shell history)' },
    { flags: '--protocol <protocol>', description: "how the encoder connects (default: the configuration's protocol)", parse: 'upper', choices: ['rtmp', 'rtmps'] },
  ],
  output: { root: 'participant', columns: PARTICIPANT_COLUMNS },
  async run(ctx, options) {
    if (options.streamKey === undefined) throw new UsageError('--stream-key is required: the ingest configuration\'s stream key (- reads it from standard input)');
    const emulator = await emulatorOf(ctx);
    const joined = await emulator.admin.ingest(await secretFromFlag(ctx.io, options.streamKey, 'the stream key'), options.protocol);
    ctx.info(`Publishing on session ${joined.sessionId} of ${joined.stageArn}.`);
    return joined;
  },
});
