import { Chalk } from 'chalk';

export interface Painter {
  header(text: string): string;
  dim(text: string): string;
  ok(text: string): string;
  error(text: string): string;
  warn(text: string): string;
  /** Colours a state word by what it means: live, in transition, finished, failed. */
  state(text: string): string;
}

const LIVE = new Set(['CONNECTED', 'ACTIVE', 'PUBLISH', 'true', 'yes']);
const MOVING = new Set(['STARTING', 'STOPPING', 'RECONNECTING', 'PENDING']);
const OVER = new Set(['DISCONNECTED', 'STOPPED', 'INACTIVE', 'DISABLED', 'false']);
const BAD = new Set(['FAILED']);

export function paint(enabled: boolean): Painter {
  const c = new Chalk({ level: enabled ? 1 : 0 });
  return {
    header: (t) => c.bold(t),
    dim: (t) => c.dim(t),
    ok: (t) => `${c.green('✓')} ${t}`,
    error: (t) => c.red(t),
    warn: (t) => c.yellow(t),
    state: (t) => (LIVE.has(t) ? c.green(t) : MOVING.has(t) ? c.yellow(t) : OVER.has(t) ? c.dim(t) : BAD.has(t) ? c.red(t) : t),
  };
}
