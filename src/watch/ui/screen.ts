// What App hands each screen: the shared modal state (filter, confirmation, notes) lives in App so
// that one key handler owns text entry and y/n answers, and screens only navigate.
import type { Key } from 'ink';
import type { MutableRefObject } from 'react';
import type { Tone } from '../feed.js';
import type { TerminalSize } from './hooks.js';

export type KeyHandler = (input: string, key: Key) => void;

export interface ScreenProps {
  /**
   * Where the screen puts its key handler (on every render, so it is never stale). App calls it for the
   * keys no modal (help, filter entry, confirmation) took, so every key has exactly one taker.
   */
  keys: MutableRefObject<KeyHandler | undefined>;
  hidden: boolean;
  size: TerminalSize;
  /** Where the requests go, for the header (see Header's `where`). */
  where?: string;
  readonly: boolean;
  filter: string;
  clearFilter(): void;
  confirm(question: string, action: () => Promise<string>): void;
  notify(text: string, tone: Tone): void;
  /** Hints for the footer while nothing else is shown there. */
  setHints(hints: string): void;
}

export function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return e?.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : String(e?.message ?? error);
}
