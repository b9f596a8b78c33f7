import { Text } from 'ink';
import type { Tone } from '../feed.js';
import { TONE_COLOR } from './format.js';

export type Prompt =
  | { kind: 'confirm'; question: string }
  | { kind: 'filter'; text: string }
  | { kind: 'message'; text: string; tone: Tone }
  | { kind: 'keys'; hints: string };

export function Footer({ prompt }: { prompt: Prompt }) {
  switch (prompt.kind) {
    case 'confirm':
      return (
        <Text color="yellow" bold wrap="truncate">
          {prompt.question} [y/N]
        </Text>
      );
    case 'filter':
      return <Text wrap="truncate">/{prompt.text}█ <Text dimColor>Enter keeps, Esc clears</Text></Text>;
    case 'message':
      return <Text color={TONE_COLOR[prompt.tone]} wrap="truncate">{prompt.text}</Text>;
    case 'keys':
      return <Text dimColor wrap="truncate">{prompt.hints}</Text>;
  }
}
