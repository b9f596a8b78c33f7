import { Box, Text } from 'ink';
import { mediaLine } from '../../local/media.js';
import { stateTone } from '../feed.js';
import type { WatchedParticipant } from '../model.js';
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

type Column = ColumnSpec<WatchedParticipant>;

/** After `yes` in the PUB column: this publisher sends real media (the MEDIA column and Enter say what). */
export const REAL_MEDIA_MARK = '●';

const LEADING: Column[] = [
  { header: 'USER', width: 16, value: (p) => p.userId ?? '' },
  { header: 'PARTICIPANT', width: 13, value: (p) => p.participantId ?? '' },
  { header: 'STATE', width: 12, value: (p) => p.state ?? '' },
  // `yes●`: publishing real media the emulator measures (WHIP), told apart from a simulated publisher on
  // any width, also where the MEDIA column does not fit (80 columns).
  { header: 'PUB', width: 4, value: (p) => (p.published ? (p.media ? `yes${REAL_MEDIA_MARK}` : 'yes') : 'no') },
  { header: 'PROTO', width: 6, value: (p) => p.protocol ?? '' },
];

/**
 * What the emulator measures of a WHIP publisher (`H264 1280x720 29.9 fps + OPUS, 2.61 Mbit/s` is 42
 * wide); blank for everyone else. Placed before the columns that are the same for most rows, so a
 * terminal of 100 columns still shows it; the detail view (Enter) shows it on any width.
 */
const MEDIA: Column = { header: 'MEDIA', width: 42, value: (p) => (p.media ? mediaLine(p.media) : '') };

const TRAILING: Column[] = [
  { header: 'RECORDING', width: 9, value: (p) => p.recordingState ?? '' },
  { header: 'REPLICA', width: 7, value: (p) => p.replicationType ?? '' },
  { header: 'FIRST JOIN', width: 10, value: (p) => clockTime(p.firstJoinTime) },
];

/** The MEDIA column only while someone has media to show: never on AWS, nor for simulated participants. */
function columnsFor(participants: readonly WatchedParticipant[]): Column[] {
  return participants.some((p) => p.media) ? [...LEADING, MEDIA, ...TRAILING] : [...LEADING, ...TRAILING];
}

export interface ParticipantsTableProps {
  participants: readonly WatchedParticipant[];
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
  const columns = fittingColumns(columnsFor(participants), width - 2);
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
