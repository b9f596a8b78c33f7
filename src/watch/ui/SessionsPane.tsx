import type { StageSession } from '@aws-sdk/client-ivs-realtime';
import { Box, Text } from 'ink';
import { formatDuration } from '../feed.js';
import type { SessionHeadcount } from '../model.js';
import { clockTime } from './format.js';

export interface SessionsPaneProps {
  sessions: readonly StageSession[];
  headcounts: ReadonlyMap<string, SessionHeadcount>;
  height: number;
  /** The time of the last poll: durations are as of then, like every other number below the header. */
  asOf: number;
}

export function SessionsPane({ sessions, headcounts, height, asOf: now }: SessionsPaneProps) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        Sessions <Text dimColor>(recent)</Text>
      </Text>
      {sessions.length === 0 ? <Text dimColor>  none</Text> : null}
      {sessions.slice(0, Math.max(1, height - 1)).map((s) => {
        const end = s.endTime?.getTime() ?? now;
        const headcount = headcounts.get(s.sessionId!);
        const count = headcount ? `${headcount.count}${headcount.more ? '+' : ''} participants` : '';
        return (
          <Text key={s.sessionId} color={s.endTime ? undefined : 'green'} wrap="truncate">
            {'  '}
            {s.sessionId} {clockTime(s.startTime)} → {s.endTime ? clockTime(s.endTime) : 'active  '}{' '}
            {formatDuration(end - (s.startTime?.getTime() ?? end)).padStart(7)} {count}
          </Text>
        );
      })}
    </Box>
  );
}
