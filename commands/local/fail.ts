import { defineVerb, type OptionSpec, type Typed } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { resolveReference } from '../../src/cli/resources.js';
import { emulatorOf } from './shared.js';

const OPTIONS = [
  { flags: '--destination <id>', description: 'destination: which destination of the composition (default: the first running one)' },
  { flags: '--now', description: 'destination: fail at once, without reconnecting first' },
  { flags: '--clear', description: 'bucket: the bucket works again' },
  { flags: '--stage <stage>', description: 'recording: the stage (the positional argument)', resource: 'stage', hidden: true },
  { flags: '--participant <id>', description: 'recording: the participant id (the positional argument)', hidden: true },
] as const satisfies readonly OptionSpec[];

type Options = Typed<typeof OPTIONS>;

const SUBJECTS = ['destination', 'bucket', 'recording'] as const;


/** Flags that belong to one subject only. */
const OWN_FLAGS: Record<(typeof SUBJECTS)[number], (keyof Options)[]> = {
  destination: ['destination', 'now'],
  bucket: ['clear'],
  recording: ['stage', 'participant'],
};

const FLAG_NAMES: Partial<Record<keyof Options, string>> = {
  destination: '--destination',
  now: '--now',
  clear: '--clear',
  stage: '--stage',
  participant: '--participant',
};

export const verb = defineVerb({
  description:
    'Makes something fail on purpose in the local emulator, so that failure handling (and the EventBridge events it listens to) can run locally. ' +
    '"destination <composition>": output to a destination is interrupted, RECONNECTING ("Destination Reconnecting"), and FAILED ("Destination Failure") ' +
    'after 30 s on the emulator clock, or at once with --now; a composition with no destination left fails ("Session Failure"). ' +
    '"bucket <name>": the S3 bucket is unusable until --clear: recordings to it fail to start ("Recording Start Failure") or end with a failure ' +
    '("Recording End Failure"), and S3 destinations writing to it fail. ' +
    '"recording STAGE PARTICIPANT": that participant\'s current recording fails now.',
  examples: [
    { command: 'ivsrt local fail destination s2AdaGUbvQgp', description: 'the destination reconnects, then fails 30 s later (advance with `ivsrt local clock`)' },
    { command: 'ivsrt local fail destination s2AdaGUbvQgp --destination 2pBRKrNgX1ff --now' },
    { command: 'ivsrt local fail bucket ivs-recordings', description: 'recordings to the bucket fail until --clear' },
    { command: 'ivsrt local fail bucket ivs-recordings --clear' },
    { command: 'ivsrt local fail recording demo AbCdEfGh1234' },
  ],
  args: [
    { name: 'subject', description: `what fails: ${SUBJECTS.join(', ')}` },
    { name: 'target', description: 'the composition (ARN or id) for destination, the bucket name for bucket, the stage (ARN, id or name) for recording', optional: true },
    { name: 'participant', description: 'recording: the participant id', optional: true },
  ],
  options: OPTIONS,
  async run(ctx, options) {
    const subject = options.subject as (typeof SUBJECTS)[number];
    if (!SUBJECTS.includes(subject)) throw new UsageError(`subject must be one of ${SUBJECTS.join(', ')}, got "${options.subject}"`);
    for (const [other, flags] of Object.entries(OWN_FLAGS)) {
      if (other === subject) continue;
      const stray = flags.find((flag) => options[flag] !== undefined);
      if (stray) throw new UsageError(`${FLAG_NAMES[stray]} goes with "fail ${other}", not "fail ${subject}"`);
    }
    if (subject !== 'recording' && options.target === undefined) throw new UsageError(`"fail ${subject}" needs the ${subject === 'bucket' ? 'bucket name' : 'composition'}`);
    const emulator = await emulatorOf(ctx);
    switch (subject) {
      case 'destination': {
        const compositionArn = await resolveReference(emulator.ctx, 'composition', options.target!);
        const { composition } = await emulator.admin.failDestination({ compositionArn, destinationId: options.destination, now: options.now });
        return composition;
      }
      case 'bucket': {
        const result = await emulator.admin.failBucket({ bucket: options.target!, clear: options.clear });
        ctx.info(
          result.broken
            ? `Bucket ${result.bucket} is broken: ${result.failedRecordings} recording(s) and ${result.failedDestinations} destination(s) failed now; later ones fail until --clear.`
            : `Bucket ${result.bucket} works again.`,
        );
        return result;
      }
      case 'recording': {
        const stage = options.target ?? options.stage;
        if (stage === undefined || options.participant === undefined) throw new UsageError('"fail recording" needs the stage and the participant: `ivsrt local fail recording studio AbCdEfGh1234`');
        const stageArn = await resolveReference(emulator.ctx, 'stage', stage);
        const { participant } = await emulator.admin.failRecording({ stageArn, participantId: options.participant });
        return participant;
      }
    }
  },
});
