// The machine form of a watch (kubectl get -w --output-watch-events): one change per line,
// {type, kind, object, timestamp}, objects as the API returned them, times in ISO 8601.
import type { Writable } from 'node:stream';
import type { Change } from './model.js';

export function ndjsonLine(change: Change): string {
  const { type, kind, object, timestamp } = change;
  return `${JSON.stringify({ type, kind, object, timestamp })}\n`;
}

export class NdjsonWriter {
  /** Set when the reader went away (EPIPE, e.g. `| head -1`); the watch should stop then. */
  closed = false;
  private onClose: (() => void) | undefined;

  constructor(private readonly out: Writable) {
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      this.closed = true;
      this.onClose?.();
    });
  }

  /** Called once if the reader goes away. */
  onReaderGone(callback: () => void): void {
    this.onClose = callback;
  }

  write(change: Change): void {
    if (!this.closed) this.out.write(ndjsonLine(change));
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  flush(): Promise<void> {
    if (this.closed || this.out.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }
}
