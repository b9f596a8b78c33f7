import type { Writable, Readable } from 'node:stream';
import { EXIT } from './errors.js';

/** The process's streams plus what the command may assume about them (gh's IOStreams). */
export interface IO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Terminal width for tables; 80 when unknown. */
  columns: number;
  /** Colour on stdout, after NO_COLOR / FORCE_COLOR / --no-color. */
  color: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
}

export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR ?? env.CLICOLOR_FORCE;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function systemIO(env: NodeJS.ProcessEnv, colorFlag?: boolean): IO {
  const out = process.stdout;
  const err = process.stderr;
  // IVSRT_FORCE_TTY lets a test or a pager wrapper ask for the terminal layout while piped (gh's GH_FORCE_TTY).
  const forced = env.IVSRT_FORCE_TTY !== undefined && env.IVSRT_FORCE_TTY !== '' && env.IVSRT_FORCE_TTY !== '0';
  const stdoutIsTTY = forced || Boolean(out.isTTY);
  const forcedColumns = forced ? Number.parseInt(env.IVSRT_FORCE_TTY!, 10) : NaN;
  return {
    stdout: out,
    stderr: err,
    // Getters: process.stdin builds a stream (loading Node's fs streams) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    stdoutIsTTY,
    stderrIsTTY: forced || Boolean(err.isTTY),
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    columns: out.columns || (forcedColumns > 1 ? forcedColumns : Number.parseInt(env.COLUMNS ?? '', 10) || 80),
    color: colorWanted(env, stdoutIsTTY, colorFlag),
    colorErr: colorWanted(env, forced || Boolean(err.isTTY), colorFlag),
  };
}

// Module state because what it guards is: process.stdout and process.stderr are one per process, and main()
// runs one command per process. No emulator owns it: only the foreground `local start` sets it, and neither
// the emulator nor the `ivsrt/emulator` fixture reaches src/cli (test/architecture/imports.test.ts), so two
// emulators in one process never share it.
let outputLost: ((error: NodeJS.ErrnoException) => void) | undefined;

/**
 * A long-running command (the foreground emulator) that must wind down rather than vanish when its output
 * can no longer be written: `handler` runs on every failed write from then on (it must stop the work and
 * tolerate being called again); the process ends when the command returns.
 */
export function onOutputLost(handler: (error: NodeJS.ErrnoException) => void): void {
  outputLost = handler;
}

/**
 * What a failed write to stdout or stderr means for the process. A reader that left (`ivsrt stage list |
 * head -1`, EPIPE) is not our failure: exit 0 quietly. Anything else (a full disk, `> /dev/full`) means
 * the output is lost, so the command must not report success: one line on stderr, exit 255.
 */
export function onOutputError(error: NodeJS.ErrnoException, stream: 'stdout' | 'stderr'): void {
  if (outputLost) {
    outputLost(error);
    return;
  }
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  if (stream === 'stdout') {
    try {
      process.stderr.write(`error: could not write the output: ${error.code ?? error.message}\n`);
    } catch {
      // stderr is gone too; the exit code still tells.
    }
  }
  process.exit(EXIT.other);
}

/**
 * A value read from standard input for `-` (a token, say): the whole of a pipe, or one line typed or
 * pasted at a terminal after a prompt on stderr, so a person is never left waiting on a silent cursor.
 * Reached through secretFromFlag only: every secret a verb takes is read one way.
 */
async function readStdinValue(io: IO, what: string): Promise<string> {
  if (io.stdinIsTTY) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
    try {
      io.stderr.write(`Paste ${what} and press Enter: `);
      return (await rl.question('')).trim();
    } finally {
      rl.close();
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** A secret flag's value (a token, a stream key): `-` reads it from standard input, which keeps it out of `ps` and shell history. */
export async function secretFromFlag(io: IO, value: string, what = 'the participant token'): Promise<string> {
  return value === '-' ? readStdinValue(io, what) : value;
}
