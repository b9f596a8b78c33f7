// The emulator, assembled: the one place that makes its parts and connects them, layer by layer, so a
// reader can follow each connection with "go to definition".
//
//   state        the store, its storage engine (one durable transaction per commit) and the clock
//   domain       the Emulator: the one mutation path over the store, with the rules of the service
//   eventbridge  the derivers that write events with each change, and the bus that hands them on once durable
//   http         the front: API, admin routes, media routes, pages and sockets, routed to the parts above
//   media        WHIP ingest and subscribe, composition rendering: made once the front knows its URL
//
// Nothing is found at run time: each part is handed what it uses here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../version.js';
import { scheduleComposition } from './domain/composition-lifecycle.js';
import { DEFAULT_QUOTAS, Emulator, type Quotas } from './domain/emulator.js';
import { isAccountId, isRegion } from './domain/ids.js';
import { resumeRecordings } from './domain/recording.js';
import { DEFAULT_RETENTION, retention, type RetentionLimits } from './domain/retention.js';
import { TokenAuthority } from './domain/tokens.js';
import { EventBus, type EventBusOptions } from './eventbridge/bus.js';
import { hideUrlPasswords } from './eventbridge/rules.js';
import { emitEvents } from './eventbridge/derive.js';
import type { AdminControl } from './http/admin.js';
import { forgetInProcess, newAdminSecret, rememberInProcess } from './http/admin-secret.js';
import { HostCheck } from './http/host-check.js';
import { createFront } from './http/server.js';
import { Authenticator, type Credential } from './http/sigv4.js';
import { Throttle } from './http/throttle.js';
import { CompositionRenderer } from './media/composition/renderer.js';
import { WhipIngest, type MediaLimits } from './media/whip/ingest.js';
import { VirtualClock, type ClockOptions } from './state/clock.js';
import { openDataDir } from './state/storage/data-dir.js';
import { Store } from './state/store.js';

export interface EmulatorOptions {
  host?: string;
  /** Names requests may be addressed to (Host header) besides loopback names and `host`: `name`, `*.domain`, or `*` (host-check.ts). */
  allowHosts?: string[];
  port?: number;
  /** Where state survives restarts; memory only when absent. */
  dataDir?: string;
  region?: string;
  accountId?: string;
  /** When set, requests must be signed by one of these (SigV4 verified for real). */
  credentials?: Credential[];
  quotas?: Partial<Quotas>;
  /** The virtual clock: `start` sets the instant it starts at (else it goes on from a data dir's, or starts now), `speed` runs it faster, `frozen` stops it. */
  clock?: ClockOptions;
  log?: (line: string) => void;
  /** WHIP publish limits (default: the service's, media/whip/ingest.ts). */
  mediaLimits?: MediaLimits;
  /** History bounds (domain/retention.ts); the defaults suit hours of `ivsrt local simulate`. */
  retention?: Partial<RetentionLimits>;
  /** A directory standing in for S3: individual participant recordings of WHIP publishers go to DIR/<bucket>/<prefix>. */
  s3Dir?: string;
  /** Deep-freeze every stored record, so a handler that changes one in place fails (tests; also IVSRT_FREEZE_RECORDS=1). */
  freezeRecords?: boolean;
  /** Enforce the service's per-operation rate limits (429 TooManyRequestsException beyond them); `now` injects the clock (ms). */
  throttle?: boolean | { now: () => number };
  /** What the /_ivsrt/ routes demand in the x-ivsrt-admin-secret header; a fresh random one when absent. */
  adminSecret?: string;
  /** Runs inside a reset, after the state is wiped: `ivsrt local start --seed` loads its seed again. */
  afterReset?: (emu: Emulator) => void;
  /** Where events are delivered (targets, rules, retries, dead letters) and which faults to inject. */
  events?: EventBusOptions;
}

export interface RunningEmulator {
  url: string;
  port: number;
  host: string;
  dataDir?: string;
  emulator: Emulator;
  /** The event bus: the events committed, their subscribers and their deliveries. */
  bus: EventBus;
  /** The /_ivsrt/ routes' secret: keep it out of logs and command lines (see src/local/instance.ts). */
  adminSecret: string;
  /** Whether the /_ivsrt/ routes also demand SigV4 (the emulator has --credentials). */
  adminSigned: boolean;
  /** The rate limiter, when throttling is on. */
  throttle?: Throttle;
  /** Resolves when the emulator has stopped, whether by close() or by POST /_ivsrt/shutdown. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Arms the timers of a state that was loaded rather than lived through: at start-up, and by the fixture's restore(). */
export function resumeTimers(emu: Emulator): void {
  for (const c of emu.store.compositions.values()) scheduleComposition(emu, c);
  resumeRecordings(emu);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // Every line the emulator logs, with the password of an event target's URL hidden (it is Basic auth for the webhook).
  const sink = options.log ?? (() => {});
  const log = (line: string): void => sink(hideUrlPasswords(line));
  const host = options.host ?? '127.0.0.1';
  if (options.accountId !== undefined && !isAccountId(options.accountId)) throw new RangeError(`accountId must be 12 digits, got ${options.accountId}`);
  if (options.region !== undefined && !isRegion(options.region)) throw new RangeError(`region must be a region name such as us-east-1 (lower-case letters, digits and -), got "${options.region}"`);

  // State: the store, loaded from the data dir when there is one, and the clock, going on from the stored one.
  const limits = { ...DEFAULT_RETENTION, ...options.retention };
  const store = new Store({ freeze: options.freezeRecords ?? process.env.IVSRT_FREEZE_RECORDS === '1', eventsPerParticipant: limits.eventsPerParticipant });
  const engine = options.dataDir ? await openDataDir(options.dataDir, store, log) : undefined;
  const clock = new VirtualClock(options.clock, { offsetMs: store.clockOffsetMs, shiftMs: store.clockShiftMs });

  // Domain: the Emulator, whose mutate() is the one way to change the store.
  let tokens: TokenAuthority;
  try {
    tokens = TokenAuthority.load(options.dataDir);
  } catch (error) {
    await engine?.close();
    throw error;
  }
  const emu = new Emulator(store, options.region ?? 'us-east-1', options.accountId ?? '123456789012', { ...DEFAULT_QUOTAS, ...options.quotas }, clock, tokens, engine, log);
  // A clock started at a given instant is stored at once, so a restart without one goes on from it.
  if (options.clock?.start !== undefined) {
    try {
      await emu.mutate([{ k: 'clock', ...clock.state }]);
    } catch (error) {
      await emu.close();
      throw error;
    }
  }
  emu.addDeriver(retention(limits));

  // Events: each change carries the events it emits (a deriver, same transaction); the bus hears of each
  // commit once it is durable (emu.onCommitted) and hands the events to subscribers and targets.
  emitEvents(emu, { extras: options.events?.extras });
  resumeTimers(emu);
  const bus = new EventBus(emu, options.events);

  // The HTTP front, handed every part it routes to.
  const adminSecret = options.adminSecret ?? newAdminSecret();
  const auth = new Authenticator(options.credentials, { region: emu.region });
  const startedAt = Date.now();
  let url = '';
  // The WHIP ingest and the composition renderer, made once the front listens (its URL names them): none before, for the admin routes.
  let whip: WhipIngest | undefined;
  let renderer: CompositionRenderer | undefined;
  const control: AdminControl = {
    bus,
    info: () => ({ pid: process.pid, url, dataDir: options.dataDir ?? null, region: emu.region, accountId: emu.accountId, version: VERSION, startedAt }),
    reset: () => {
      emu.clearAllTimers();
      emu.mutate([{ k: 'reset' }]);
      options.afterReset?.(emu);
    },
    shutdown: () => void close(),
    whip: () => whip,
    renderer: () => renderer,
  };
  const throttle = options.throttle ? new Throttle(options.throttle === true ? undefined : options.throttle.now) : undefined;
  const front = createFront({
    emu,
    bus,
    auth,
    hostCheck: new HostCheck(host, options.allowHosts),
    throttle,
    adminSecret,
    control,
    log,
  });
  let port: number;
  try {
    ({ url, port } = await front.listen(options.port ?? 0, host));
  } catch (error) {
    await emu.close();
    throw error;
  }
  rememberInProcess(url, adminSecret);

  // Media: WHIP ingest and subscribe at <url>/whip, compositions rendered from what the publishers send.
  // The renderer draws what the ingest receives, so it is handed the ingest.
  whip = new WhipIngest(emu, url, options.mediaLimits, options.s3Dir);
  emu.whipBase = `${url}/whip`;
  renderer = new CompositionRenderer(emu, whip, { liveDir: () => mkdtempSync(join(tmpdir(), 'ivsrt-compositions-')), s3Dir: options.s3Dir });
  front.mount({ whip, renderer });
  log(`emulator listening on ${url}${options.dataDir ? ` (data: ${options.dataDir})` : ' (memory only)'}`);

  let stopping: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  function close(): Promise<void> {
    stopping ??= (async () => {
      // Ends the event streams and sockets, which would otherwise hold the server open.
      front.endSockets();
      bus.close();
      await front.close();
      await renderer?.close();
      await whip?.close();
      await emu.close();
      forgetInProcess(url);
      markClosed();
    })();
    return stopping;
  }

  return { url, port, host, dataDir: options.dataDir, emulator: emu, bus, adminSecret, adminSigned: auth.required, throttle, closed, close };
}
