// The watch takes over the terminal (alternate screen, raw keyboard, hidden cursor) and must give it
// back whatever happens: a normal quit, Ctrl-C, a signal from outside, or a crash. Ink 6 has no
// alternate-screen option, so the sequences are written here.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface TerminalTakeover {
  /** Idempotent; safe to call from any exit path. */
  restore(): void;
}

export interface TakeoverOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** A signal asked the watch to end; the argument is the conventional exit code (128 + signal). */
  onSignal(code: number): void;
  /** For tests: where exit and crash handlers are installed. */
  process?: NodeJS.Process;
}

const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export function takeOverTerminal({ stdout, stdin, onSignal, process: proc = process }: TakeoverOptions): TerminalTakeover {
  stdout.write(ENTER_ALT_SCREEN);
  let restored = false;
  const signalHandlers = Object.entries(SIGNAL_CODES).map(([signal, code]) => [signal, () => onSignal(code)] as const);

  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin may already be closed; the screen still has to be restored.
    }
    stdout.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
    proc.off('exit', restore);
    proc.off('uncaughtException', crash);
    proc.off('unhandledRejection', crash);
    for (const [signal, handler] of signalHandlers) proc.off(signal, handler);
  };

  const crash = (error: unknown) => {
    restore();
    proc.stderr.write(`ivsrt watch crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    proc.exit(255);
  };

  proc.on('exit', restore);
  proc.on('uncaughtException', crash);
  proc.on('unhandledRejection', crash);
  for (const [signal, handler] of signalHandlers) proc.on(signal, handler);
  return { restore };
}
