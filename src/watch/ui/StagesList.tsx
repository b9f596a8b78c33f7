import type { StageSummary } from '@aws-sdk/client-ivs-realtime';
import { Box, Text } from 'ink';
import { shortArn } from '../feed.js';
import { HIGHLIGHT_COLOR, fittingColumns, formatHeader, formatRow, visibleWindow, type ColumnSpec } from './format.js';
import type { Highlight } from './store.js';

export type StageRow = StageSummary & { participantCount?: number };

const COLUMNS: ColumnSpec<StageRow>[] = [
  { header: 'NAME', width: 24, value: (s) => s.name || '(unnamed)' },
  { header: 'ID', width: 14, value: (s) => shortArn(s.arn) },
  { header: 'ACTIVE SESSION', width: 17, value: (s) => s.activeSessionId || '-' },
  { header: 'PARTICIPANTS', width: 12, value: (s) => (s.participantCount === undefined ? '…' : String(s.participantCount)) },
];

export interface StagesListProps {
  stages: readonly StageRow[];
  selectedIndex: number;
  highlights: ReadonlyMap<string, Highlight>;
  filter: string;
  height: number;
  width: number;
}

export function StagesList({ stages, selectedIndex, highlights, filter, height, width }: StagesListProps) {
  const columns = fittingColumns(COLUMNS, width - 2);
  const rows = Math.max(1, height - 2);
  const { start, end } = visibleWindow(stages.length, selectedIndex, rows);
  const active = stages.filter((s) => s.activeSessionId).length;
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color="cyan">
        Stages <Text dimColor>({stages.length}, {active} with an active session){filter ? ` filter: ${filter}` : ''}</Text>
      </Text>
      <Text dimColor>  {formatHeader(columns)}</Text>
      {stages.length === 0 ? <Text dimColor>  no stages</Text> : null}
      {stages.slice(start, end).map((s, i) => {
        const selected = start + i === selectedIndex;
        const highlight = highlights.get(`stage:${s.arn}`);
        return (
          <Text key={s.arn} inverse={selected} color={highlight ? HIGHLIGHT_COLOR[highlight] : s.activeSessionId ? 'green' : undefined} wrap="truncate">
            {selected ? '> ' : '  '}
            {formatRow(columns, s)}
          </Text>
        );
      })}
    </Box>
  );
}
