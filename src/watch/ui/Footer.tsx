import { Text } from 'ink';
import type { Tone } from '../feed.js';
import { TONE_COLOR } from './format.js';

export type Prompt =
  | { kind: 'confirm'; question: string }
  | { kind: 'filter'; text: string }
  | { kind: 'message'; text: string; tone: Tone }
  | { kind: 'keys'; hints: string };

const SEPARATOR = ' · ';
/** The keys a person must always be shown, whatever the width: how to get help, and how to leave. */
const ALWAYS = /^(\? help|q quit)$/;

/**
 * The key hints (`a · b · ? help · q quit`, most useful first) that fit in `columns`: the least useful go
 * first, so `? help` and `q quit` stay on screen on any terminal the view runs in.
 */
export function fitHints(hints: string, columns: number): string {
  const parts = hints.split(SEPARATOR);
  while (parts.join(SEPARATOR).length > columns) {
    let drop = parts.length - 1;
    while (drop >= 0 && ALWAYS.test(parts[drop]!)) drop--;
    if (drop < 0) break;
    parts.splice(drop, 1);
  }
  return parts.join(SEPARATOR);
}

export function Footer({ prompt, columns }: { prompt: Prompt; columns: number }) {
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
      return <Text dimColor wrap="truncate">{fitHints(prompt.hints, columns)}</Text>;
  }
}
