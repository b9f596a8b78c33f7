import { Box, Text } from 'ink';

const KEYS: Array<[string, string, boolean?]> = [
  ['↑ / ↓', 'move the selection (scroll in the events pane)'],
  ['Enter', 'open the selected participant (its events) or stage'],
  ['Esc', 'back, or clear the filter'],
  ['/', 'filter rows by user id, participant id or name'],
  ['Tab', 'switch pane: participants, compositions, events'],
  ['a', 'show or hide the participants who left'],
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
      <Text dimColor>Rows turn green when added, yellow when changed, red when the participant left; then those who left drop out (a shows them).</Text>
      <Text dimColor>Status line: ok = the last poll answered; connecting…, PAUSED, or the last error and when the next try is (throttled = rate limited).</Text>
      <Text dimColor>"joined and left between two polls": someone the watch first saw after they had already left.</Text>
      <Text dimColor>PUB yes● = publishing real media the local emulator measures (WHIP: ivsrt publish, OBS, a browser); plain yes = a simulated publisher, or AWS.</Text>
      <Text dimColor>Press any key to close.</Text>
    </Box>
  );
}
