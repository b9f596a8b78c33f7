import { Box, Text } from 'ink';
import type { FeedLine } from '../feed.js';
import { TONE_COLOR, clockTime } from './format.js';

export interface EventsFeedProps {
  lines: readonly FeedLine[];
  /** Lines scrolled back from the newest. */
  scroll: number;
  active: boolean;
  height: number;
  title?: string;
}

/** Newest at the bottom, like a log. */
export function EventsFeed({ lines, scroll, active, height, title = 'Events' }: EventsFeedProps) {
  const rows = Math.max(1, height - 1);
  const end = Math.max(0, lines.length - scroll);
  const shown = lines.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={active ? 'cyan' : undefined}>
        {title} {scroll > 0 ? <Text dimColor>(scrolled back {scroll})</Text> : null}
      </Text>
      {shown.length === 0 ? <Text dimColor>  nothing yet</Text> : null}
      {shown.map((line, i) => (
        <Text key={`${end}-${i}`} wrap="truncate">
          <Text dimColor>  {clockTime(line.at)} </Text>
          <Text color={TONE_COLOR[line.tone]}>{line.text}</Text>
        </Text>
      ))}
    </Box>
  );
}
