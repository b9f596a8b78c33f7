// What the WHIP tests read back: the emulator's measured publishers, and a participant's events.
import type { Api } from '../helpers/activity.js';
import { adminHeaders } from '../helpers/emulator.js';
import type { WhipPublisher } from '../../src/emulator/media/whip/ingest.js';

/** A WHIP publisher as GET /_ivsrt/media shows it (times as ISO strings). */
export type Publisher = Omit<WhipPublisher, 'postedAt' | 'publishStartedAt'> & { postedAt: string; publishStartedAt?: string };

export async function mediaOf(url: string): Promise<Publisher[]> {
  const res = await fetch(`${url}/_ivsrt/media`, { headers: adminHeaders(url) });
  return ((await res.json()) as { whipPublishers: Publisher[] }).whipPublishers;
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
