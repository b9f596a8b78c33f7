import { Box, Text } from 'ink';
import { shortArn, stateTone } from '../feed.js';
import type { WatchedComposition } from '../model.js';
import { HIGHLIGHT_COLOR, TONE_COLOR, clockTime, visibleWindow } from './format.js';
import type { Highlight } from './store.js';

export interface CompositionsPaneProps {
  compositions: readonly WatchedComposition[];
  selectedIndex: number;
  active: boolean;
  highlights: ReadonlyMap<string, Highlight>;
  height: number;
}

export function CompositionsPane({ compositions, selectedIndex, active, highlights, height }: CompositionsPaneProps) {
  const rows = Math.max(1, height - 1);
  const { start, end } = visibleWindow(compositions.length, selectedIndex, rows);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={active ? 'cyan' : undefined}>
        Compositions <Text dimColor>({compositions.length})</Text>
      </Text>
      {compositions.length === 0 ? <Text dimColor>  none</Text> : null}
      {compositions.slice(start, end).map((c, i) => {
        const selected = start + i === selectedIndex;
        const highlight = highlights.get(`composition:${c.arn}`);
        const destinations = (c.destinations ?? []).map((d) => `${d.id} ${d.state}`).join(', ');
        return (
          <Text key={c.arn} inverse={selected && active} wrap="truncate">
            {selected ? '> ' : '  '}
            <Text color={highlight ? HIGHLIGHT_COLOR[highlight] : undefined}>{shortArn(c.arn).padEnd(14)}</Text>{' '}
            <Text color={TONE_COLOR[stateTone(c.state)]}>{(c.state ?? '').padEnd(9)}</Text> since {clockTime(c.startTime)}
            {destinations ? ` · destinations: ${destinations}` : ''}
          </Text>
        );
      })}
    </Box>
  );
}
