// `ivsrt watch --json` and `ivsrt watch | ...`: the change stream as NDJSON on stdout, health notes on
// stderr. Never loads Ink or React.
//
// Exit codes: 0 when an --until condition is met, when the reader goes away (EPIPE), or on SIGINT/SIGTERM
// without --until (ending a stream is how a consumer says it has seen enough). With --until, a signal
// before the condition holds exits 130 (SIGINT) or 143 (SIGTERM), so `watch --until ... && next-step`
// does not run next-step after an interruption.
import type { Writable } from 'node:stream';
import { isPermanent } from './backoff.js';
import { NdjsonWriter } from './ndjson.js';
import { Poller, type PollStatus } from './poller.js';
import type { WatchOptions } from './options.js';
import { whenAnyMet } from './until.js';

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface StreamOptions extends WatchOptions {
  out: Writable;
  err: Writable;
  signals?: SignalSource;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** Streams changes until a condition, a signal or a closed reader ends it; resolves to the exit code. */
export function runWatchStream(options: StreamOptions): Promise<number> {
  const { out, err, until = [], signals = process } = options;
  const poller = new Poller({
    client: options.client,
    stageArn: options.stageArn,
    intervalMs: options.intervalMs,
    limiter: options.limiter,
    focusParticipantId: options.participantId,
    media: options.media,
  });
  const writer = new NdjsonWriter(out);
  poller.on('change', (change) => writer.write(change));

  return new Promise<number>((resolve, reject) => {
    let finished = false;
    const finish = async (outcome: { code: number } | { error: unknown }) => {
      if (finished) return;
      finished = true;
      signals.off('SIGINT', onInterrupt);
      signals.off('SIGTERM', onTerminate);
      await poller.stop();
      await writer.flush();
      if ('code' in outcome) resolve(outcome.code);
      else reject(outcome.error);
    };
    const onSignal = (signal: keyof typeof SIGNAL_EXIT) => void finish({ code: until.length ? SIGNAL_EXIT[signal] : 0 });
    const onInterrupt = () => onSignal('SIGINT');
    const onTerminate = () => onSignal('SIGTERM');
    signals.on('SIGINT', onInterrupt);
    signals.on('SIGTERM', onTerminate);
    writer.onReaderGone(() => void finish({ code: 0 }));
    whenAnyMet(poller, until, () => void finish({ code: 0 }));
    const reportHealth = healthReporter(err);
    poller.on('status', (status) => {
      const cause = status.lastError?.cause;
      if (status.state === 'backoff' && status.lastSuccessAt === undefined && isPermanent(cause)) {
        void finish({ error: cause });
        return;
      }
      reportHealth(status);
    });
    poller.start();
  });
}

/** One line per failed attempt and one when polling recovers; nothing while all is well. */
function healthReporter(err: Writable): (status: PollStatus) => void {
  let failing = false;
  return (status) => {
    if (status.state === 'backoff' && status.lastError) {
      failing = true;
      const seconds = Math.round(((status.nextRetryAt ?? status.lastError.at) - status.lastError.at) / 1000);
      err.write(`ivsrt watch: ${status.lastError.name}: ${status.lastError.message}; retrying in ${seconds}s\n`);
    } else if (status.state === 'ok' && failing) {
      failing = false;
      err.write('ivsrt watch: polling again\n');
    }
  };
}
