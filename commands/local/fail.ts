// `ivsrt local fail <subject>`: made from the admin contract's FAULT_KNOBS, which says each fault's route and
// how its arguments and flags fill the route's request; a new fault needs nothing here.
import { defineVerb, type OptionSpec } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { optionKey } from '../../src/cli/request.js';
import { resolveReference } from '../../src/cli/resources.js';
import { FAULT_KNOBS, type FaultKnob, type FaultRoute } from '../../src/emulator/http/admin-contract.js';
import { emulatorOf } from './shared.js';

type Subject = keyof typeof FAULT_KNOBS;
const SUBJECTS = Object.keys(FAULT_KNOBS) as Subject[];
const knobOf = (subject: Subject): FaultKnob<FaultRoute> => FAULT_KNOBS[subject] as unknown as FaultKnob<FaultRoute>;

/**
 * Every subject's flags, each once (subjects may share one, as `--participant`); a flag that stands in for
 * the target names the target's resource kind (for completion).
 */
const OPTIONS: OptionSpec[] = SUBJECTS.flatMap((subject) => {
  const knob = knobOf(subject);
  return knob.flags.map((flag) => ({
    flags: flag.flags,
    description: flag.description,
    ...(flag.member === knob.target.member && knob.target.resource ? { resource: knob.target.resource } : {}),
    ...(flag.hidden ? { hidden: true } : {}),
  }));
}).filter((option, i, all) => all.findIndex((first) => first.flags === option.flags) === i);

export const verb = defineVerb({
  summary: 'Make a destination, a bucket or a recording fail on purpose',
  order: 140,
  description:
    'Makes something fail on purpose in the local emulator, so that failure handling (and the EventBridge events it listens to) can run locally. ' +
    SUBJECTS.map((subject) => knobOf(subject).help).join(' '),
  examples: SUBJECTS.flatMap((subject) => knobOf(subject).examples),
  args: [
    { name: 'subject', description: `what fails: ${SUBJECTS.join(', ')}` },
    { name: 'target', description: SUBJECTS.map((subject) => `${knobOf(subject).target.what} for ${subject}`).join(', '), optional: true },
    { name: 'participant', description: 'recording: the participant id', optional: true },
  ],
  options: OPTIONS,
  async run(ctx, parsed) {
    const options = parsed as unknown as Record<string, string | boolean | undefined>;
    const subject = options.subject as Subject;
    if (!SUBJECTS.includes(subject)) throw new UsageError(`subject must be one of ${SUBJECTS.join(', ')}, got "${options.subject}"`);
    for (const other of SUBJECTS) {
      if (other === subject) continue;
      const stray = knobOf(other).flags.find((flag) => options[optionKey(flag.flags)] !== undefined && !knobOf(subject).flags.some((own) => own.flags === flag.flags));
      if (stray) throw new UsageError(`${stray.flags.split(' ')[0]} goes with "fail ${other}", not "fail ${subject}"`);
    }
    const knob = knobOf(subject);
    const request: Record<string, unknown> = {};
    for (const flag of knob.flags) if (options[optionKey(flag.flags)] !== undefined) request[flag.member] = options[optionKey(flag.flags)];
    if (options.target !== undefined) request[knob.target.member] = options.target;
    const missing = request[knob.target.member] === undefined || knob.flags.some((flag) => flag.required && request[flag.member] === undefined);
    if (missing) throw new UsageError(knob.needs ?? `"fail ${subject}" needs the ${knob.target.missing}`);
    const emulator = await emulatorOf(ctx);
    if (knob.target.resource) request[knob.target.member] = await resolveReference(emulator.ctx, knob.target.resource, String(request[knob.target.member]));
    const reply = await emulator.admin.request(knob.route, request as never);
    if (knob.report) ctx.info(knob.report(reply as never));
    return knob.output ? (reply as Record<string, unknown>)[knob.output] : reply;
  },
});
