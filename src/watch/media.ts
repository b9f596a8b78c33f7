// The media a watch shows for WHIP publishers when it watches the ivsrt emulator: the emulator measures
// it (codecs, resolution, frame rate, bitrate) and reports every stage's publishers on one admin route,
// read once per poll; each publisher's measurement is merged into its participant. The service has no
// such route, so against AWS there is no source, no request and no media.
import type { Participant } from '@aws-sdk/client-ivs-realtime';
import type { WhipPublisherStatus } from '../emulator/http/admin-contract.js';
import type { MeasuredMedia } from '../local/media.js';
import type { WatchedParticipant } from './model.js';

/** The emulator's WHIP publishers, of every stage. */
export type MediaSource = (signal?: AbortSignal) => Promise<readonly WhipPublisherStatus[]>;

/**
 * A bitrate or frame rate that moved by less than this fraction since it was last reported is the
 * measurement's own wobble: the participant keeps the figure already reported, so a steady stream does
 * not turn into a MODIFIED change (and a highlighted row) at every poll.
 */
export const MEDIA_NOISE = 0.05;

export interface MediaScope {
  stageArn: string;
  sessionId: string;
}

/**
 * The participants with the media measured for those publishing over WHIP in this stage session.
 * `reported` holds the participants as the last poll returned them, whose media stands while the new
 * measurement is within MEDIA_NOISE of it.
 */
export function mergeMedia(
  participants: ReadonlyMap<string, Participant>,
  publishers: readonly WhipPublisherStatus[],
  scope: MediaScope,
  reported: ReadonlyMap<string, WatchedParticipant>,
): ReadonlyMap<string, WatchedParticipant> {
  const measured = new Map<string, MeasuredMedia>();
  for (const p of publishers) {
    if (p.stageArn === scope.stageArn && p.sessionId === scope.sessionId) measured.set(p.participantId, shown(p.media));
  }
  if (measured.size === 0) return participants;
  const merged = new Map<string, WatchedParticipant>();
  for (const [id, participant] of participants) {
    const media = measured.get(id);
    const before = reported.get(id)?.media;
    merged.set(id, media ? { ...participant, media: before && sameMedia(before, media) ? before : media } : participant);
  }
  return merged;
}

/** Whether two measurements tell the same: the same codecs and picture, rates within MEDIA_NOISE. */
export function sameMedia(a: MeasuredMedia, b: MeasuredMedia): boolean {
  return (
    a.videoCodec === b.videoCodec &&
    a.audioCodec === b.audioCodec &&
    a.width === b.width &&
    a.height === b.height &&
    (a.frameRate === undefined) === (b.frameRate === undefined) &&
    near(a.frameRate ?? 0, b.frameRate ?? 0) &&
    near(a.bitrate, b.bitrate)
  );
}

function near(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) < MEDIA_NOISE * Math.max(Math.abs(a), Math.abs(b));
}

/** Only the fields a watch shows: the route's byte and packet counters change at every poll. */
function shown({ videoCodec, audioCodec, width, height, frameRate, bitrate }: MeasuredMedia): MeasuredMedia {
  return { videoCodec, audioCodec, width, height, frameRate, bitrate };
}
