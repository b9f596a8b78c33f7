import type { Event } from '@aws-sdk/client-ivs-realtime';
import { Box, Text } from 'ink';
import { bitrateText, frameRateText, resolutionText } from '../../local/media.js';
import { TONE_COLOR, clockTime, visibleWindow } from './format.js';
import { stateTone } from '../feed.js';
import type { WatchedParticipant } from '../model.js';

export interface ParticipantDetailProps {
  participant: WatchedParticipant | undefined;
  participantId: string;
  /** Newest first, as ListParticipantEvents returns them. */
  events: readonly Event[];
  scroll: number;
  height: number;
}

const FIELDS: Array<[string, (p: WatchedParticipant) => string | undefined]> = [
  ['userId', (p) => p.userId],
  ['state', (p) => p.state],
  ['published', (p) => String(p.published ?? false)],
  ['firstJoinTime', (p) => p.firstJoinTime?.toISOString()],
  ['protocol', (p) => p.protocol],
  ['recordingState', (p) => p.recordingState],
  ['replicationType', (p) => p.replicationType],
  ['replicationState', (p) => p.replicationState],
  ['sourceStageArn', (p) => p.sourceStageArn],
  // What the emulator measures of a WHIP publisher's media (absent on AWS).
  ['videoCodec', (p) => p.media?.videoCodec],
  ['resolution', (p) => p.media && resolutionText(p.media)],
  ['frameRate', (p) => p.media && frameRateText(p.media)],
  ['audioCodec', (p) => p.media?.audioCodec],
  ['bitrate', (p) => p.media && bitrateText(p.media)],
];

export function ParticipantDetail({ participant, participantId, events, scroll, height }: ParticipantDetailProps) {
  const fields = participant ? FIELDS.filter(([, get]) => get(participant)) : [];
  const rows = Math.max(1, height - fields.length - 3);
  const { start, end } = visibleWindow(events.length, scroll, rows);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color="cyan">
        Participant {participantId}
      </Text>
      {participant ? null : <Text color="yellow">  no longer listed in the followed session</Text>}
      {fields.map(([name, get]) => (
        <Text key={name} wrap="truncate">
          {'  '}
          <Text dimColor>{name.padEnd(17)}</Text>
          <Text color={name === 'state' ? TONE_COLOR[stateTone(participant?.state)] : undefined}>{get(participant!)}</Text>
        </Text>
      ))}
      <Text bold>
        Events <Text dimColor>({events.length}, newest first)</Text>
      </Text>
      {events.length === 0 ? <Text dimColor>  waiting for ListParticipantEvents…</Text> : null}
      {events.slice(start, end).map((e, i) => (
        <Text key={`${start + i}`} wrap="truncate">
          {'  '}
          <Text dimColor>{clockTime(e.eventTime)} </Text>
          <Text color={e.errorCode ? 'red' : undefined}>{e.name}</Text>
          {e.remoteParticipantId ? ` remote ${e.remoteParticipantId}` : ''}
          {e.errorCode ? ` ${e.errorCode}` : ''}
          {e.destinationStageArn ? ` → ${e.destinationStageArn}` : ''}
        </Text>
      ))}
    </Box>
  );
}
