// How an event reads on a terminal: one line, time, name, what it is about, then the detail's fields.
// Piped or with --json the envelope itself is printed (one per line), never this.
import type { Painter } from '../cli/output/paint.js';

/** `stage/AbCdef1G2hij` from a resource ARN. */
function shortResource(arn: unknown): string {
  return typeof arn === 'string' ? arn.slice(arn.lastIndexOf(':') + 1) : '-';
}

export function eventLine(event: Record<string, unknown>, painter: Painter): string {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const time = typeof event.time === 'string' ? event.time.slice(11, 19) : '--:--:--';
  const name = String(detail.event_name ?? event['detail-type'] ?? 'event');
  const resources = Array.isArray(event.resources) ? event.resources : [];
  const fields = Object.entries(detail)
    .filter(([key, value]) => key !== 'event_name' && value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? (value.startsWith('arn:') ? shortResource(value) : value) : JSON.stringify(value)}`);
  const failed = /Error|Failure/.test(name);
  return `${painter.dim(time)}  ${failed ? painter.error(name.padEnd(32)) : painter.header(name.padEnd(32))}${shortResource(resources[0])}  ${painter.dim(fields.join(' '))}`;
}
