// ink-testing-library's idea with a terminal of a chosen size (as Shopify's test helper does): fake
// stdout with columns and rows, fake stdin, and waits on what the last frame shows.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { eventually } from '../helpers/wait.js';

class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export const KEYS = { up: '\x1b[A', down: '\x1b[B', enter: '\r', escape: '\x1b', tab: '\t', ctrlC: '\x03', backspace: '\x7f' };

export function renderAt(tree: ReactElement, size: { columns: number; rows: number }) {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = () => (stdout.frames.at(-1) ?? '').replace(ANSI, '');
  return {
    lastFrame,
    /** How many frames Ink has written: each one is a whole redraw. */
    frameCount: () => stdout.frames.length,
    unmount: () => instance.unmount(),
    /** Sends keys one at a time, as a person types, letting React settle after each. */
    async press(...keys: string[]) {
      for (const key of keys) {
        stdin.write(key);
        await settle();
      }
    },
    /**
     * Resolves with the frame once it satisfies `check` (a text it must contain, or a predicate). What a
     * key press changes is awaited this way rather than read after a fixed pause, which a loaded machine
     * outruns; only the test's own timeout ends a wait that never holds, and the failure shows the last frame.
     */
    waitFor(check: string | ((frame: string) => boolean)): Promise<string> {
      const ok = typeof check === 'string' ? (f: string) => f.includes(check) : check;
      return eventually(
        String(check),
        (see) => {
          const frame = lastFrame();
          see(`last frame:\n${frame}`);
          return ok(frame) ? frame : undefined;
        },
        { askEveryMs: 20 },
      );
    },
  };
}

/** React 19 flushes input-driven updates asynchronously. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
}
