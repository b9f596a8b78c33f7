import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { Box, Text } from 'ink';
import { stateTone } from '../feed.js';
import {
  HIGHLIGHT_COLOR,
  TONE_COLOR,
  clockTime,
  fittingColumns,
  formatHeader,
  formatRow,
  visibleWindow,
  type ColumnSpec,
} from './format.js';
import type { Highlight } from './store.js';

const COLUMNS: ColumnSpec<Participant>[] = [
  { header: 'USER', width: 16, value: (p) => p.userId ?? '' },
  { header: 'PARTICIPANT', width: 14, value: (p) => p.participantId ?? '' },
  { header: 'STATE', width: 12, value: (p) => p.state ?? '' },
  { header: 'PUB', width: 3, value: (p) => (p.published ? 'yes' : 'no') },
  { header: 'PROTO', width: 6, value: (p) => p.protocol ?? '' },
  { header: 'RECORDING', width: 9, value: (p) => p.recordingState ?? '' },
  { header: 'REPLICA', width: 7, value: (p) => p.replicationType ?? '' },
  { header: 'FIRST JOIN', width: 10, value: (p) => clockTime(p.firstJoinTime) },
];

export interface ParticipantsTableProps {
  participants: readonly Participant[];
  /** All participants known, before the filter. */
  total: number;
  /** Participants who left and are not shown (the `a` key shows them). */
  leftHidden?: number;
  complete: boolean;
  selectedIndex: number;
  active: boolean;
  filter: string;
  highlights: ReadonlyMap<string, Highlight>;
  height: number;
  width: number;
}

export function ParticipantsTable(props: ParticipantsTableProps) {
  const { participants, selectedIndex, active, highlights, height, width } = props;
  const columns = fittingColumns(COLUMNS, width - 2);
  const rows = Math.max(1, height - 2);
  const { start, end } = visibleWindow(participants.length, selectedIndex, rows);
  const connected = participants.filter((p) => p.state === 'CONNECTED').length;
  const counts = `${connected} connected, ${participants.length}${props.complete ? '' : '+'}${props.filter ? ` of ${props.total}` : ''} listed${props.leftHidden ? `, ${props.leftHidden} who left hidden (a shows them)` : ''}`;
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={active ? 'cyan' : undefined} wrap="truncate">
        Participants <Text dimColor>({counts}){props.filter ? ` filter: ${props.filter}` : ''}</Text>
        {participants.length > rows ? <Text dimColor> rows {start + 1}-{end}</Text> : null}
      </Text>
      <Text dimColor>  {formatHeader(columns)}</Text>
      {participants.length === 0 ? <Text dimColor>  nobody here yet</Text> : null}
      {participants.slice(start, end).map((p, i) => {
        const selected = start + i === selectedIndex;
        const highlight = highlights.get(`participant:${p.participantId}`);
        const color = highlight ? HIGHLIGHT_COLOR[highlight] : p.state === 'DISCONNECTED' ? 'gray' : TONE_COLOR[stateTone(p.state)];
        return (
          <Text key={p.participantId} color={color} inverse={selected && active} wrap="truncate">
            {selected ? '> ' : '  '}
            {formatRow(columns, p)}
          </Text>
        );
      })}
    </Box>
  );
}
