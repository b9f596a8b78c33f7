// Text cells and time formats for fixed-width rows. Each row is one string, so a table of any size is a
// handful of Ink nodes.
import type { Tone } from '../feed.js';
import type { Highlight } from './store.js';

export interface ColumnSpec<Row> {
  header: string;
  width: number;
  value: (row: Row) => string;
}

/** Cuts or pads to exactly `width` characters. */
export function cell(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

/** The leading columns that fit in `width` (one space between columns). */
export function fittingColumns<Row>(columns: readonly ColumnSpec<Row>[], width: number): ColumnSpec<Row>[] {
  const fitting: ColumnSpec<Row>[] = [];
  let used = 0;
  for (const column of columns) {
    if (used + column.width > width) break;
    fitting.push(column);
    used += column.width + 1;
  }
  return fitting;
}

export function formatRow<Row>(columns: readonly ColumnSpec<Row>[], row: Row): string {
  return columns.map((c) => cell(c.value(row), c.width)).join(' ');
}

export function formatHeader<Row>(columns: readonly ColumnSpec<Row>[]): string {
  return columns.map((c) => cell(c.header, c.width)).join(' ');
}

export function clockTime(date: Date | undefined): string {
  return date ? date.toTimeString().slice(0, 8) : '-';
}

export function ago(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  return `${Math.floor(seconds / 3600)}h ago`;
}

/**
 * The slice of a list to draw in `height` rows: keeps the selected row visible and, while possible,
 * away from the edges.
 */
export function visibleWindow(total: number, selected: number, height: number): { start: number; end: number } {
  if (total <= height) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(height / 2)), total - height);
  return { start, end: start + height };
}

export const TONE_COLOR: Record<Tone, string> = { good: 'green', bad: 'red', warn: 'yellow', info: 'cyan' };

export const HIGHLIGHT_COLOR: Record<Highlight, string> = {
  ADDED: 'green',
  MODIFIED: 'yellow',
  LEFT: 'red',
  REMOVED: 'red',
};
