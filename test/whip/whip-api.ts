// What the WHIP tests read back: the emulator's measured publishers, and a participant's events.
import type { Api } from '../helpers/activity.js';
import { adminHeaders } from '../helpers/emulator.js';
import { eventually } from '../helpers/wait.js';
import type { WhipPublisher } from '../../src/emulator/media/whip/ingest.js';

/** A WHIP publisher as GET /_ivsrt/media shows it (times as ISO strings). */
export type Publisher = Omit<WhipPublisher, 'postedAt' | 'publishStartedAt'> & { postedAt: string; publishStartedAt?: string };

export async function mediaOf(url: string): Promise<Publisher[]> {
  const res = await fetch(`${url}/_ivsrt/media`, { headers: adminHeaders(url) });
  return ((await res.json()) as { whipPublishers: Publisher[] }).whipPublishers;
}

/**
 * The first publisher GET /_ivsrt/media lists that `match` accepts, once the emulator has measured one;
 * a test that ends first shows the publishers and their media as last listed. `publishing`, when given,
 * runs before each ask: it throws to fail the wait at once (the process publishing has exited, say), and
 * what it returns (what that process said) is shown beside the list.
 */
export function measuredPublisher(url: string, what: string, match: (p: Publisher) => unknown, publishing?: () => unknown): Promise<Publisher> {
  return eventually(what, async (see) => {
    const said = publishing?.();
    const publishers = await mediaOf(url);
    const listed = publishers.map(({ participantId, userId, publishStartedAt, media }) => ({ participantId, userId, publishStartedAt, media }));
    see(said === undefined ? { publishers: listed } : { publishers: listed, publishing: said });
    return publishers.find(match);
  });
}

/** The participant's events oldest first across the stage's sessions, as NAME or NAME:errorCode. */
export async function participantEvents(api: Api, stageArn: string, participantId: string): Promise<string[]> {
  const { stageSessions } = await api('ListStageSessions', { stageArn });
  for (const { sessionId } of stageSessions as { sessionId: string }[]) {
    // The participant's own events, whatever page of a crowded session's participants it is on.
    const { events } = await api('ListParticipantEvents', { stageArn, sessionId, participantId, maxResults: 100 });
    if ((events as unknown[]).length === 0) continue;
    return (events as { name: string; errorCode?: string }[]).reverse().map((e) => (e.errorCode ? `${e.name}:${e.errorCode}` : e.name));
  }
  return [];
}
