// A real terminal for tests that check what a person sees: a tmux session on a private server, typed
// into with send-keys and read with capture-pane.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from './wait.js';

const exec = promisify(execFile);

export const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;

/**
 * A terminal's screen (as `read` captures it) once it shows `pattern` (or `pattern` holds for it): asked
 * again until then, with no limit but the test's; a test that ends first shows the last screen read.
 */
export function screenShowing(read: () => Promise<string> | string, pattern: RegExp | ((text: string) => boolean), what: string): Promise<string> {
  const shows = typeof pattern === 'function' ? pattern : (text: string) => pattern.test(text);
  return eventually(what, async (see) => {
    const text = await read();
    see(`screen:\n${text}`);
    return shows(text) ? text : undefined;
  });
}

export class Terminal {
  private readonly server: string;

  constructor(
    private readonly name: string,
    private readonly size = { columns: 100, rows: 30 },
  ) {
    this.server = `ivsrt-test-${name}-${process.pid}`;
  }

  tmux(...args: string[]): Promise<string> {
    return exec('tmux', ['-L', this.server, ...args]).then((r) => r.stdout);
  }

  /** Runs `argv` (no shell) with exactly `env` in a new window of the chosen size. */
  async start(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);
    await this.tmux('new-session', '-d', '-s', this.name, '-x', String(this.size.columns), '-y', String(this.size.rows), 'env', '-i', ...assignments, ...argv);
  }

  screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The screen once it shows `pattern`; a test that ends first shows the last screen read. */
  waitFor(pattern: RegExp, what: string): Promise<string> {
    return screenShowing(() => this.screen(), pattern, what);
  }

  send(...keys: string[]): Promise<string> {
    return this.tmux('send-keys', '-t', this.name, ...keys);
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}
