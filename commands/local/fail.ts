// `ivsrt local fail <subject>`: made from the admin contract's FAULT_KNOBS, which says each fault's route and
// how its arguments and flags fill the route's request; a new fault needs nothing here.
import { defineVerb, type OptionSpec } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { optionKey } from '../../src/cli/request.js';
import { resolveReference } from '../../src/cli/resources.js';
import { FAULT_KNOBS, type AdminRequest, type FaultKnob, type FaultRoute, type FaultRouteOf, type FaultSubject } from '../../src/emulator/http/admin-contract.js';
import { emulatorOf } from './shared.js';

const SUBJECTS = Object.keys(FAULT_KNOBS) as FaultSubject[];
const isSubject = (word: unknown): word is FaultSubject => SUBJECTS.some((subject) => subject === word);
/** A subject's knob, as the help and the flags read it, whatever its route. */
const knobOf = (subject: FaultSubject) => FAULT_KNOBS[subject];

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
    const options: Record<string, unknown> = parsed;
    const subject = options.subject;
    if (!isSubject(subject)) throw new UsageError(`subject must be one of ${SUBJECTS.join(', ')}, got "${String(subject)}"`);
    for (const other of SUBJECTS) {
      if (other === subject) continue;
      const stray = knobOf(other).flags.find((flag) => options[optionKey(flag.flags)] !== undefined && !knobOf(subject).flags.some((own) => own.flags === flag.flags));
      if (stray) throw new UsageError(`${stray.flags.split(' ')[0]} goes with "fail ${other}", not "fail ${subject}"`);
    }
    return switchOn(ctx, subject, options);
  },
});

/** Fills the subject's request from the command line and sends it to the emulator; what the verb prints. */
async function switchOn<S extends FaultSubject>(ctx: Context, subject: S, options: Record<string, unknown>): Promise<unknown> {
  const knob: FaultKnob<FaultRouteOf<S>> = FAULT_KNOBS[subject];
  const fields: Record<string, unknown> = {};
  for (const flag of knob.flags) if (options[optionKey(flag.flags)] !== undefined) fields[flag.member] = options[optionKey(flag.flags)];
  if (options.target !== undefined) fields[knob.target.member] = options.target;
  // The same object, typed as the route's request once checked; the target's resolution below writes through `fields`.
  const request = fields;
  if (!isFilled(knob, request)) throw new UsageError(knob.needs ?? `"fail ${subject}" needs the ${knob.target.missing}`);
  const emulator = await emulatorOf(ctx);
  if (knob.target.resource) fields[knob.target.member] = await resolveReference(emulator.ctx, knob.target.resource, String(fields[knob.target.member]));
  const reply = await emulator.admin.request(knob.route, request);
  if (knob.report) ctx.info(knob.report(reply));
  return knob.output ? reply[knob.output] : reply;
}

/**
 * Whether the command line filled what the route needs: its target and its required flags. Commander's
 * values are strings and booleans as the flags declare them; the emulator checks each member's type.
 */
function isFilled<R extends FaultRoute>(knob: FaultKnob<R>, request: Record<string, unknown>): request is AdminRequest<R> & Record<string, unknown> {
  return request[knob.target.member] !== undefined && !knob.flags.some((flag) => flag.required && request[flag.member] === undefined);
}
