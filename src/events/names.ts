// Event names as typed on a command line: "Participant Published", participant-published or
// PARTICIPANT_PUBLISHED all name the same event.
import { EVENT_NAMES, type EventName } from '../emulator/events/envelope.js';
import { UsageError } from '../cli/errors.js';

export const ALL_EVENT_NAMES: readonly EventName[] = Object.values(EVENT_NAMES).flat();

const fold = (text: string): string => text.trim().toLowerCase().replace(/[-_\s]+/g, ' ');

export function eventNameOf(text: string): EventName {
  const found = ALL_EVENT_NAMES.find((name) => fold(name) === fold(text));
  if (found) return found;
  throw new UsageError(`unknown event "${text}"`, `Use one of: ${ALL_EVENT_NAMES.map((n) => n.toLowerCase().replace(/ /g, '-')).join(', ')}.`);
}
