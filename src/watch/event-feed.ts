// The emulator's EventBridge events as lines of watch's live feed: when the watched endpoint is the
// emulator, its event stream runs beside the poller and each event becomes one line.
import type { Target } from '../cli/config.js';
import { plainAdmin, type AdminFactory } from '../local/admin-client.js';
import type { FeedLine, Tone } from './feed.js';
import { tailEmulator } from '../events/emulator-tail.js';

/** Starts feeding lines; returns the function that stops it. */
export type EventFeed = (onLine: (line: FeedLine) => void) => () => void;

function tone(name: string): Tone {
  if (/Error|Failure/.test(name)) return 'bad';
  if (/Start|Published|Exchanged/.test(name)) return 'good';
  if (/End|Unpublished|Stopped|Reconnecting/.test(name)) return 'warn';
  return 'info';
}

export function eventFeedLine(event: Record<string, unknown>): FeedLine {
  const detail = (event.detail ?? {}) as Record<string, string | undefined>;
  const name = detail.event_name ?? String(event['detail-type']);
  const who = detail.participant_id ? `${detail.user_id ? `${detail.user_id} (${detail.participant_id})` : detail.participant_id}` : detail.destination_id ? `destination ${detail.destination_id}` : '';
  const error = detail.error_code ? ` (${detail.error_code})` : '';
  return { at: new Date(typeof event.time === 'string' ? event.time : Date.now()), text: `event ${name}${who ? `: ${who}` : ''}${error}`, tone: tone(name), participantId: detail.participant_id };
}

/** The feed of the emulator behind `target`, or undefined when it is not an ivsrt emulator (e.g. AWS). */
export async function emulatorEventFeed(target: Target, stageArn: string | undefined, adminAt: AdminFactory = plainAdmin()): Promise<EventFeed | undefined> {
  if (!target.endpoint) return undefined;
  const admin = await adminAt(target.endpoint);
  if (!(await admin.status().then(() => true, () => false))) return undefined;
  return (onLine) => {
    const controller = new AbortController();
    // A stream that fails only takes the event lines away; the poller's view goes on.
    tailEmulator(admin, { stageArn }, (event) => onLine(eventFeedLine(event)), controller.signal).catch(() => {});
    return () => controller.abort();
  };
}
