// What a person reads in the live events feed: one line per change worth telling, in words. Participant
// API events exist only for the participant in focus, so joins, leaves and first publishes of everyone
// else are read from their summaries changing between polls.
import type { Destination, DestinationSummary, ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import type { Change } from './model.js';
import { arnId } from '../model/arn.js';
import { stateMeaning, type StateMeaning } from '../model/states.js';

export type Tone = 'good' | 'bad' | 'warn' | 'info';

export interface FeedLine {
  at: Date;
  text: string;
  tone: Tone;
  /** The participant the line is about, so the detail view can show only its lines. */
  participantId?: string;
}

export function describeChange(change: Change): FeedLine[] {
  const at = new Date(change.timestamp);
  const line = (text: string, tone: Tone, participantId?: string): FeedLine => ({ at, text, tone, participantId });
  switch (change.kind) {
    case 'participant': {
      const p = change.object;
      const who = participantLabel(p);
      if (change.type === 'ADDED') return [line(`${who} ${p.state === 'CONNECTED' ? 'joined' : 'joined and left between two polls'}`, 'good', p.participantId)];
      if (change.type === 'REMOVED') return [];
      const before = change.previous!;
      const lines: FeedLine[] = [];
      if (before.state !== p.state) lines.push(line(`${who} ${p.state === 'CONNECTED' ? 'rejoined' : 'left'}`, p.state === 'CONNECTED' ? 'good' : 'bad', p.participantId));
      if (!before.published && p.published) lines.push(line(`${who} published`, 'good', p.participantId));
      if (before.recordingState !== p.recordingState) lines.push(line(`${who} recording ${p.recordingState}`, p.recordingState === 'FAILED' ? 'bad' : 'info', p.participantId));
      if (before.replicationState !== p.replicationState) lines.push(line(`${who} replication ${p.replicationState}`, 'info', p.participantId));
      return lines;
    }
    case 'event': {
      const e = change.object;
      const error = e.errorCode ? ` (${e.errorCode})` : '';
      const remote = e.remoteParticipantId ? ` ↔ ${e.remoteParticipantId}` : '';
      const destination = e.destinationStageArn ? ` → ${shortArn(e.destinationStageArn)}` : '';
      const tone: Tone = e.errorCode || e.name?.endsWith('_ERROR') ? 'bad' : 'info';
      return [{ at: e.eventTime ?? at, text: `${e.participantId} ${e.name}${remote}${destination}${error}`, tone, participantId: e.participantId }];
    }
    case 'session': {
      const s = change.object;
      if (change.type === 'ADDED' && !s.endTime) return [line(`session ${s.sessionId} started`, 'good')];
      if (change.type === 'MODIFIED' && !change.previous?.endTime && s.endTime) {
        return [line(`session ${s.sessionId} ended after ${formatDuration(s.endTime.getTime() - (s.startTime?.getTime() ?? s.endTime.getTime()))}`, 'warn')];
      }
      return [];
    }
    case 'composition': {
      const c = change.object;
      const name = `composition ${shortArn(c.arn)}`;
      if (change.type === 'REMOVED') return [line(`${name} cleaned up`, 'info')];
      const lines: FeedLine[] = [];
      if (change.type === 'ADDED' || change.previous?.state !== c.state) lines.push(line(`${name} ${c.state}`, stateTone(c.state)));
      const before = new Map((change.previous?.destinations ?? []).map((d: DestinationSummary) => [d.id, d.state]));
      for (const d of (c.destinations ?? []) as Array<Destination | DestinationSummary>) {
        if (before.get(d.id) !== d.state && (change.type === 'MODIFIED' || d.state !== c.state)) {
          lines.push(line(`${name} destination ${d.id} ${d.state}`, stateTone(d.state)));
        }
      }
      return lines;
    }
    case 'stage': {
      const s = change.object;
      if (change.type === 'REMOVED') return [line(`stage ${s.name || shortArn(s.arn)} deleted`, 'bad')];
      if (change.type === 'ADDED') return [line(`stage ${s.name || shortArn(s.arn)} listed`, 'info')];
      if (change.previous?.name !== s.name) return [line(`stage renamed to ${s.name}`, 'info')];
      return [];
    }
  }
}

export function participantLabel(p: ParticipantSummary): string {
  return p.userId ? `${p.userId} (${p.participantId})` : (p.participantId ?? '?');
}

/** The resource id at the end of an ARN, which is what people compare. */
export function shortArn(arn: string | undefined): string {
  return arn ? arnId(arn) : '';
}

/** The tone of a state word, by what it means (src/model/states.ts); a word of no known meaning is a warning. */
export function stateTone(state: string | undefined): Tone {
  return TONES[stateMeaning(state) ?? 'moving'];
}

const TONES: Record<StateMeaning, Tone> = { live: 'good', moving: 'warn', over: 'info', failed: 'bad' };

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
