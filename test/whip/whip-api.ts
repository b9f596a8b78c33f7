// What the WHIP tests read back: the emulator's measured publishers, and a participant's events.
import type { Api } from '../helpers/activity.js';
import { adminHeaders } from '../helpers/emulator.js';

export interface Publisher {
  sessionUrl: string;
  stageArn: string;
  sessionId: string;
  participantId: string;
  connectionState: string;
  publishStartedAt?: string;
  media: {
    videoCodec?: string;
    audioCodec?: string;
    width?: number;
    height?: number;
    frameRate?: number;
    bitrate: number;
    videoBitrate: number;
    audioBitrate: number;
    windowSeconds: number;
  };
}

export async function mediaOf(url: string): Promise<Publisher[]> {
  const res = await fetch(`${url}/_ivsrt/media`, { headers: adminHeaders(url) });
  return ((await res.json()) as { whipPublishers: Publisher[] }).whipPublishers;
}

/** The participant's events oldest first across the stage's sessions, as NAME or NAME:errorCode. */
export async function participantEvents(api: Api, stageArn: string, participantId: string): Promise<string[]> {
  const { stageSessions } = await api('ListStageSessions', { stageArn });
  for (const { sessionId } of stageSessions as { sessionId: string }[]) {
    const { participants } = await api('ListParticipants', { stageArn, sessionId });
    if (!(participants as { participantId: string }[]).some((p) => p.participantId === participantId)) continue;
    const { events } = await api('ListParticipantEvents', { stageArn, sessionId, participantId, maxResults: 100 });
    return (events as { name: string; errorCode?: string }[]).reverse().map((e) => (e.errorCode ? `${e.name}:${e.errorCode}` : e.name));
  }
  return [];
}
