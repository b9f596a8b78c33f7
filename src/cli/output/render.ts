// Presentation only: turns a verb's result into JSON (--json), a query result (--query), a table (TTY)
// or tab-separated values (pipe). Data never changes shape here.
import type { Column, OutputSpec } from '../command.js';
import type { Context } from '../context.js';
import { asDate, flatten, getField, relativeTime, toPlain } from './format.js';
import type { Painter } from './paint.js';
import { applyQuery } from './query.js';

export function writeJson(ctx: Context, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(toPlain(value), null, 4)}\n`);
}

function cellText(value: unknown, column: Column | undefined, tty: boolean, now: Date, painter: Painter): string {
  if (value === undefined || value === null) return tty ? painter.dim('-') : '';
  if (column?.format === 'bool' && typeof value === 'boolean' && tty) return value ? painter.state('yes') : painter.dim('no');
  const date = asDate(value);
  if (date) return tty ? relativeTime(date, now) : date.toISOString();
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(',');
  }
  const text = String(value);
  if (tty && (column?.format === 'state' || typeof value === 'string')) return painter.state(text);
  return text;
}

async function table(ctx: Context, head: string[], rows: string[][], painter: Painter): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const width = Math.max(ctx.io.columns, 40);
  const natural = head.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))) + 2);
  // Shrink the widest columns first until the table fits the terminal.
  const budget = width - (head.length + 1);
  const widths = [...natural];
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) break;
    widths[widest]! -= 1;
  }
  const t = new Table({
    head: head.map((h) => painter.header(h)),
    colWidths: widths,
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
    truncate: '…',
  });
  t.push(...rows);
  return `${t.toString().split('\n').map((l) => l.trimEnd()).join('\n')}\n`;
}

const ANSI = /\x1b\[[0-9;]*m/g;
function visible(text: string): number {
  return text.replace(ANSI, '').length;
}

function listColumns(spec: OutputSpec | undefined, rows: Record<string, unknown>[]): Column[] {
  if (spec?.columns?.length) return spec.columns;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return keys.map((k) => ({ header: k.replace(/([A-Z])/g, ' $1').toUpperCase(), field: k }));
}

async function renderList(ctx: Context, spec: OutputSpec | undefined, rows: Record<string, unknown>[], painter: Painter): Promise<void> {
  const tty = ctx.io.stdoutIsTTY;
  const now = ctx.now();
  const columns = listColumns(spec, rows);
  const cells = rows.map((row) => columns.map((c) => cellText(c.value ? c.value(row) : getField(row, c.field), c, tty, now, painter)));
  if (!tty) {
    for (const line of cells) ctx.io.stdout.write(`${line.join('\t')}\n`);
    return;
  }
  if (!rows.length) return;
  ctx.io.stdout.write(await table(ctx, columns.map((c) => c.header), cells, painter));
}

/** Fields named by the output spec come first, in its order; the rest keep the API's order. */
function ordered(value: Record<string, unknown>, spec: OutputSpec | undefined): [string, unknown][] {
  const first = (spec?.columns ?? []).map((c) => c.field.split('.')[0]!);
  const rank = (key: string) => (first.includes(key) ? first.indexOf(key) : first.length);
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b));
}

function treeLines(entries: [string, unknown][], indent: string, now: Date, painter: Painter, out: string[]): void {
  const width = Math.max(0, ...entries.filter(([, v]) => !isNested(v)).map(([k]) => k.length));
  for (const [key, value] of entries) {
    if (isNested(value)) {
      out.push(`${indent}${painter.dim(key)}`);
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          out.push(`${indent}  ${painter.dim(`[${i + 1}]`)}`);
          treeLines(Object.entries(item as Record<string, unknown>), `${indent}    `, now, painter, out);
        });
      } else {
        treeLines(Object.entries(value as Record<string, unknown>), `${indent}  `, now, painter, out);
      }
    } else {
      out.push(`${indent}${painter.dim(key.padEnd(width))}  ${cellText(value, undefined, true, now, painter)}`);
    }
  }
}

function isNested(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => v && typeof v === 'object' && !(v instanceof Date));
  return Boolean(value) && typeof value === 'object' && !(value instanceof Date) && Object.keys(value as object).length > 0;
}

/** Drops concealed members at any depth (secrets such as stream keys) from what a table or TSV shows. */
function withoutConcealed(value: unknown, concealed: Set<string>): unknown {
  if (!concealed.size) return value;
  if (Array.isArray(value)) return value.map((v) => withoutConcealed(v, concealed));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !concealed.has(k)).map(([k, v]) => [k, withoutConcealed(v, concealed)]));
  }
  return value;
}

async function renderObject(ctx: Context, spec: OutputSpec | undefined, value: Record<string, unknown>, concealed: Set<string>, painter: Painter): Promise<void> {
  const now = ctx.now();
  const entries = ordered(withoutConcealed(value, concealed) as Record<string, unknown>, spec);
  if (!ctx.io.stdoutIsTTY) {
    for (const [k, v] of flatten(Object.fromEntries(entries))) ctx.io.stdout.write(`${k}\t${cellText(v, undefined, false, now, painter)}\n`);
    return;
  }
  const lines: string[] = [];
  treeLines(entries, '', now, painter, lines);
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
}

/** Prints a verb's result in the form the caller asked for. */
export async function render(ctx: Context, spec: OutputSpec | undefined, result: unknown, options: Record<string, unknown> = {}): Promise<void> {
  if (result === undefined) return;
  const { globals } = ctx;
  if (globals.query !== undefined) {
    const selected = await applyQuery(globals.query, result);
    if (!globals.json && (typeof selected === 'string' || typeof selected === 'number' || typeof selected === 'boolean')) {
      ctx.io.stdout.write(`${selected}\n`);
    } else if (!globals.json && Array.isArray(selected) && selected.every((s) => typeof s !== 'object' || s === null)) {
      for (const item of selected) ctx.io.stdout.write(`${item ?? ''}\n`);
    } else if (selected !== null || globals.json) {
      writeJson(ctx, selected);
    }
    return;
  }
  const record = (result ?? {}) as Record<string, unknown>;
  const isObject = typeof result === 'object' && result !== null && !Array.isArray(result);
  const isEmpty = isObject && Object.keys(record).length === 0;
  if (globals.json) {
    // Like the AWS CLI, a response that is exactly {} prints nothing.
    if (!isEmpty) writeJson(ctx, result);
    return;
  }
  // Colours (chalk) only from here on: JSON and --query output never needs them.
  const { paint } = await import('./paint.js');
  // A response with nothing left to show (e.g. only echoed HTTP headers) reads as done.
  const hidden = new Set(spec?.conceal?.(options) ?? []);
  if (isObject && Object.keys(record).every((key) => hidden.has(key))) {
    if (spec?.done && ctx.io.stderrIsTTY) ctx.info(paint(ctx.io.colorErr).ok(spec.done(options)));
    return;
  }
  const body = spec?.root ? record[spec.root] : result;
  if (Array.isArray(body)) {
    await renderList(ctx, spec, body as Record<string, unknown>[], paint(ctx.io.color));
    if (typeof record.NextToken === 'string') ctx.info(`More results: pass --starting-token ${record.NextToken}`);
  } else if (body && typeof body === 'object') {
    await renderObject(ctx, spec, body as Record<string, unknown>, hidden, paint(ctx.io.color));
  } else if (body !== undefined) {
    ctx.io.stdout.write(`${String(body)}\n`);
  }
}
