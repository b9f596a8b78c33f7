// Event names as typed on a command line: "Participant Published", participant-published or
// PARTICIPANT_PUBLISHED all name the same event.
import type { ArgSpec, OptionSpec } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { resolveReference } from '../cli/resources.js';
import { EVENT_NAMES, isExtraEvent, sampleEvent, type EventName, type IvsEvent } from '../emulator/eventbridge/envelope.js';

export const ALL_EVENT_NAMES: readonly EventName[] = Object.values(EVENT_NAMES).flat();

const fold = (text: string): string => text.trim().toLowerCase().replace(/[-_\s]+/g, ' ');

export function eventNameOf(text: string): EventName {
  const found = ALL_EVENT_NAMES.find((name) => fold(name) === fold(text));
  if (found) return found;
  throw new UsageError(`unknown event "${text}"`, `Use one of: ${ALL_EVENT_NAMES.map((n) => n.toLowerCase().replace(/ /g, '-')).join(', ')}.`);
}

/**
 * The sample envelope of `events sample` and `events send`: about `stage` when given, in its account and
 * region; with `extras`, as `ivsrt local start --event-extras` sends it.
 */
export async function sampleFor(ctx: Context, name: EventName, stage: string | undefined, account?: string, extras = false): Promise<IvsEvent> {
  if (isExtraEvent(name) && !extras) {
    throw new UsageError(`"${name}" is an extra: no AWS source shows the service sending it, so the emulator sends it only with --event-extras`, 'Pass --extras to print it anyway (docs/events.md, "Extras").');
  }
  const stageArn = stage === undefined ? undefined : await resolveReference(ctx, 'stage', stage);
  const [, , , region, accountInArn] = stageArn?.split(':') ?? [];
  return sampleEvent(name, {
    account: account ?? accountInArn ?? '123456789012',
    region: region ?? ctx.globals.region ?? 'us-east-1',
    timeMs: ctx.now().getTime(),
    stageArn,
    extras,
  });
}

/** The argument and the --stage flag that `events sample` and `events send` share. */
export const EVENT_ARG: ArgSpec = { name: 'event', description: 'the event name, e.g. participant-published' };
export const STAGE_OPTION: OptionSpec = { flags: '--stage <stage>', description: 'the stage the event is about (an ARN is used as is; a name or id is looked up)' };
export const EXTRAS_OPTION: OptionSpec = { flags: '--extras', description: 'with the events and fields the emulator sends only under --event-extras (no AWS source shows them)' };
