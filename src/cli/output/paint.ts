import { Chalk } from 'chalk';
import { stateMeaning } from '../../model/states.js';

// Colours by what a state means; the meanings are src/model/states.ts's, shared with the watch view.

export interface Painter {
  header(text: string): string;
  dim(text: string): string;
  ok(text: string): string;
  error(text: string): string;
  warn(text: string): string;
  /** Colours a state word by what it means: live, in transition, finished, failed. */
  state(text: string): string;
}

export function paint(enabled: boolean): Painter {
  const c = new Chalk({ level: enabled ? 1 : 0 });
  return {
    header: (t) => c.bold(t),
    dim: (t) => c.dim(t),
    ok: (t) => `${c.green('✓')} ${t}`,
    error: (t) => c.red(t),
    warn: (t) => c.yellow(t),
    state: (t) => {
      const meaning = stateMeaning(t);
      return meaning ? { live: c.green, moving: c.yellow, over: c.dim, failed: c.red }[meaning](t) : t;
    },
  };
}
