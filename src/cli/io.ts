import type { Writable, Readable } from 'node:stream';

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
    stdin: process.stdin,
    stdoutIsTTY,
    stderrIsTTY: forced || Boolean(err.isTTY),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    columns: out.columns || (forcedColumns > 1 ? forcedColumns : Number.parseInt(env.COLUMNS ?? '', 10) || 80),
    color: colorWanted(env, stdoutIsTTY, colorFlag),
    colorErr: colorWanted(env, forced || Boolean(err.isTTY), colorFlag),
  };
}
