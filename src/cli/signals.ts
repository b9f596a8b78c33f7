// By default Ctrl-C ends a command at once with 130, as the AWS CLI does. Long-running verbs (the
// emulator in the foreground, watch, simulate) take over SIGINT to stop cleanly and restore state.
import { EXIT } from './errors.js';

const exitOnInterrupt = (): never => process.exit(EXIT.interrupted);

export function installDefaultInterrupt(): void {
  process.once('SIGINT', exitOnInterrupt);
}

/** The caller now owns SIGINT and must end the process itself. */
export function takeOverInterrupt(): void {
  process.off('SIGINT', exitOnInterrupt);
}

/**
 * Takes over Ctrl-C for work that winds down through an AbortSignal (simulate, demo: the crowd leaves and
 * the summary is printed): the first Ctrl-C aborts `signal`; a second, with nobody listening any more, ends
 * the process as Node does. abort() winds it down the same way for another reason; release() gives Ctrl-C
 * back once the work is done.
 */
export function abortOnInterrupt(): { signal: AbortSignal; abort(): void; release(): void } {
  const stop = new AbortController();
  const interrupted = (): void => stop.abort();
  takeOverInterrupt();
  process.once('SIGINT', interrupted);
  return { signal: stop.signal, abort: () => stop.abort(), release: () => process.off('SIGINT', interrupted) };
}

/** How a long-running verb's run ends, `R` being the verb's own reasons: see endOnInterrupt. */
export interface RunEnd<R = string> {
  /** Resolves with the first reason given: 'Ctrl-C' on SIGINT or SIGTERM, 'duration' when endAfter's time is up, or end()'s. */
  readonly ended: Promise<'Ctrl-C' | 'duration' | R>;
  /** Ends the run with `reason`, unless it has ended already (the first reason is the one that counts). */
  end(reason: R): void;
  /** Ends the run with 'duration' after `seconds`; undefined: no limit. */
  endAfter(seconds: number | undefined): void;
  /** Gives SIGINT and SIGTERM back and drops the timer: once the run is over, or when it never got going. */
  release(): void;
}

/**
 * Takes over Ctrl-C (and SIGTERM) for a verb that runs until it is stopped (publish, subscribe): from now on
 * they end the run, so that the verb can still close its session cleanly (a WHIP DELETE) rather than exit
 * at once. The first of Ctrl-C, the duration and end() is why the run ended: a helper process that Ctrl-C
 * reaches too (ffmpeg, in the same process group) and that exits at once does not make it a failure.
 */
export function endOnInterrupt<R = string>(): RunEnd<R> {
  takeOverInterrupt();
  let settle: (reason: 'Ctrl-C' | 'duration' | R) => void = () => {};
  const ended = new Promise<'Ctrl-C' | 'duration' | R>((resolve) => (settle = resolve));
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const end = (why: 'Ctrl-C' | 'duration' | R): void => {
    if (done) return;
    done = true;
    settle(why);
  };
  const interrupted = (): void => end('Ctrl-C');
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    ended,
    end,
    endAfter(seconds) {
      if (seconds !== undefined) timer = setTimeout(() => end('duration'), seconds * 1000);
    },
    release() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    },
  };
}
