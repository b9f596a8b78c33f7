// Entry of the interactive watch (bundled as dist/watch.mjs and loaded only when stdout and stdin are
// terminals): the Ink app over one poller, or over the all-stages poller plus one per opened stage.
// Resolves to the exit code: 0 for q or a met --until condition, 130 for Ctrl-C, 128+n for signal n.
import { setFlagsFromString } from 'node:v8';
import chalk from 'chalk';
import { render } from 'ink';
import type { EventFeed } from '../event-feed.js';
import type { WatchOptions } from '../options.js';
import { Poller } from '../poller.js';
import { RateLimiter } from '../rate-limiter.js';
import { whenAnyMet } from '../until.js';
import { App } from './App.js';
import { WatchStore } from './store.js';
import { takeOverTerminal } from './terminal.js';

export interface WatchUiOptions extends WatchOptions {
  /** Hides and refuses the mutating keys (d, x). */
  readonly?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /**
   * chalk's colour level (0 = none), decided as for every other command (NO_COLOR, FORCE_COLOR,
   * --no-color, a terminal). Ink would otherwise decide itself, and it reads CI, which the loader sets.
   */
  colorLevel?: 0 | 1 | 2 | 3;
  /** Where the requests go, for the header. */
  where?: string;
  /** The emulator's EventBridge events, as feed lines (absent on AWS). */
  eventFeed?: EventFeed;
}

export async function runWatchUi(options: WatchUiOptions): Promise<number> {
  // Every poll replaces the snapshots and the frame drawn from them, so most of what a long watch
  // allocates is garbage two seconds later; V8 by default lets such garbage grow the heap well past what
  // is live (RSS from about 130 to 230 MB in 150 s on a churning 1,000-participant stage). Sizing the
  // heap for memory rather than speed collects it sooner (docs/benchmarks.md, "Watch").
  setFlagsFromString('--optimize-for-size');
  const stdout = options.stdout ?? process.stdout;
  // Ink colours through this same chalk module (the bundle keeps packages external).
  if (options.colorLevel !== undefined) chalk.level = options.colorLevel;
  const stdin = options.stdin ?? process.stdin;
  // One limiter for every poller of this process: the quotas are per account, not per view.
  const limiter = options.limiter ?? new RateLimiter();
  const stores = new Set<WatchStore>();
  const watch = (stageArn: string | undefined, participantId?: string) => {
    const poller = new Poller({ client: options.client, stageArn, intervalMs: options.intervalMs, limiter, focusParticipantId: participantId, media: options.media });
    const store = new WatchStore(poller);
    stores.add(store);
    poller.start();
    return store;
  };

  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (finish = resolve));
  const terminal = takeOverTerminal({ stdout, stdin, onSignal: (code) => finish(code) });
  try {
    const root = watch(options.stageArn, options.participantId);
    const stopEvents = options.eventFeed?.((line) => root.note(line.text, line.tone));
    whenAnyMet(root.poller, options.until ?? [], () => finish(0));
    const app = render(
      <App root={root} openStage={(arn) => watch(arn)} readonly={Boolean(options.readonly)} where={options.where} onExit={(code) => finish(code)} />,
      { stdout, stdin, exitOnCtrlC: false, patchConsole: false },
    );
    const code = await Promise.race([exited, app.waitUntilExit().then(() => 0)]);
    app.unmount();
    stopEvents?.();
    await Promise.all([...stores].map((store) => store.poller.stop()));
    return code;
  } finally {
    for (const store of stores) store.dispose();
    terminal.restore();
  }
}
