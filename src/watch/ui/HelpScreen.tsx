import { Box, Text } from 'ink';

const KEYS: Array<[string, string, boolean?]> = [
  ['↑ / ↓', 'move the selection (scroll in the events pane)'],
  ['Enter', 'open the selected participant (its events) or stage'],
  ['Esc', 'back, or clear the filter'],
  ['/', 'filter rows by user id, participant id or name'],
  ['Tab', 'switch pane: participants, compositions, events'],
  ['d', 'disconnect the selected participant (asks first)', true],
  ['x', 'stop the selected composition (asks first)', true],
  ['r', 'poll now'],
  ['p', 'pause or resume polling'],
  ['?', 'this help'],
  ['q / Ctrl-C', 'quit'],
];

export function HelpScreen({ readonly }: { readonly: boolean }) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {KEYS.map(([key, what, mutates]) => (
        <Text key={key} dimColor={mutates && readonly}>
          <Text color="cyan">{key.padEnd(12)}</Text>
          {what}
          {mutates && readonly ? ' (disabled: --readonly)' : ''}
        </Text>
      ))}
      <Text dimColor>Rows turn green when added, yellow when changed, red when the participant left.</Text>
      <Text dimColor>Press any key to close.</Text>
    </Box>
  );
}
