// A crowd on a stage for demos and watch-mode development: participants join, some publish, subscribers
// watch the publishers (the crowd's, and any publishing real media over WHIP), and a share of the crowd
// leaves and is replaced every tick.
// Each tick is one request (POST /_ivsrt/crowd: who leaves, who joins), which the emulator applies in
// one batch and one commit, so a tick costs one round trip however large the crowd, and 10,000
// participants keep time. Ticks are due on a fixed schedule (start + n × tick); a tick that starts more
// than a whole tick late is counted `late`, and the schedule goes on from it rather than bursting to catch up.
import { systemClock, type Clock } from '../clock.js';
import { plainAdmin, type AdminFactory } from './admin-client.js';
import type { CrowdRequest } from '../emulator/http/admin-contract.js';

export interface SimulateOptions {
  url: string;
  /** The admin client for `url`: the CLI passes its Context's adminAt; default plainAdmin. */
  admin?: AdminFactory;
  stageArn: string;
  /** How many participants to keep connected. */
  participants: number;
  /** How many of them publish (default: a quarter, at least 1, at most the stage limit of 12). */
  publishers?: number;
  /** Share of the crowd replaced each tick, 0..1 (default 0.1). */
  churn?: number;
  /** Milliseconds between ticks (default 1000). */
  tickMs?: number;
  /** Stop after this long, or after `maxTicks` ticks; otherwise run until `signal` aborts. */
  durationMs?: number;
  maxTicks?: number;
  signal?: AbortSignal;
  /** Subscribers subscribe to every publisher (default true). */
  subscribe?: boolean;
  /** Leave the stage when the simulation ends (default true). */
  leaveAtEnd?: boolean;
  userIdPrefix?: string;
  onTick?: (stats: SimulationStats) => void;
  /** Randomness source, for reproducible runs. */
  random?: () => number;
  /** What ticks are timed by (default the system clock). */
  clock?: Clock;
}

export interface SimulationStats {
  ticks: number;
  /** Ticks that started more than a whole tick after they were due: the crowd could not keep time. */
  late: number;
  joined: number;
  left: number;
  publishing: number;
  connected: number;
  /** Operations the emulator refused (e.g. a quota), counted rather than fatal. */
  errors: number;
  lastError?: string;
}

interface Member {
  participantId: string;
  publisher: boolean;
}

/** Newcomers per request while the crowd fills up: a request body stays far below the emulator's 1 MiB. */
const FILL_BATCH = 1000;

export async function simulate(options: SimulateOptions): Promise<SimulationStats> {
  const admin = await (options.admin ?? plainAdmin())(options.url);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const target = Math.max(0, Math.floor(options.participants));
  const publishers = Math.min(options.publishers ?? Math.max(1, Math.floor(target / 4)), 12, target);
  const churn = Math.min(1, Math.max(0, options.churn ?? 0.1));
  const tickMs = options.tickMs ?? 1000;
  const prefix = options.userIdPrefix ?? 'sim';
  const stats: SimulationStats = { ticks: 0, late: 0, joined: 0, left: 0, publishing: 0, connected: 0, errors: 0 };
  let crowd: Member[] = [];
  let serial = 0;

  /** One request: `leaving` leave, then `joining` newcomers join (publishers while the crowd has too few). */
  const change = async (leaving: readonly Member[], joining: number): Promise<number> => {
    const gone = new Set(leaving);
    crowd = crowd.filter((m) => !gone.has(m));
    const publishing = crowd.filter((m) => m.publisher).length;
    const join: NonNullable<CrowdRequest['join']> = Array.from({ length: joining }, (_, i) => {
      const publisher = publishing + i < publishers;
      return {
        userId: `${prefix}-${++serial}`,
        capabilities: publisher ? ['PUBLISH', 'SUBSCRIBE'] : ['SUBSCRIBE'],
        attributes: { simulated: 'true' },
        publish: publisher,
        clientInfo: { sdkVersion: 'ivsrt-simulate', osName: 'Linux' },
      };
    });
    const reply = await admin.crowd({ stageArn: options.stageArn, leave: leaving.map((m) => m.participantId), join, subscribe: options.subscribe !== false });
    for (const p of reply.joined) crowd.push({ participantId: p.participantId, publisher: p.published });
    stats.left += reply.left.length;
    stats.joined += reply.joined.length;
    stats.errors += reply.refused.length;
    if (reply.refused.length > 0) stats.lastError = reply.refused.at(-1);
    return reply.joined.length;
  };

  const record = (): void => {
    stats.connected = crowd.length;
    stats.publishing = crowd.filter((m) => m.publisher).length;
  };

  const ends = options.durationMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + options.durationMs;
  const maxTicks = options.maxTicks ?? Number.POSITIVE_INFINITY;
  const open = (): boolean => !options.signal?.aborted && clock.now() < ends;
  const running = (): boolean => open() && stats.ticks < maxTicks;
  try {
    // The crowd gathers even when no tick is asked for (maxTicks 0). A batch that admits nobody (the stage
    // refuses everyone) ends the gathering rather than retrying forever.
    while (crowd.length < target && open() && (await change([], Math.min(FILL_BATCH, target - crowd.length))) > 0);
    record();
    let due = clock.now() + tickMs;
    while (running()) {
      await pause(clock, Math.min(due, ends) - clock.now(), options.signal);
      if (!running()) break;
      if (clock.now() - due >= tickMs) {
        stats.late++;
        due = clock.now();
      }
      const leaving = pick(crowd, Math.round(crowd.length * churn), random);
      // A tick replaces whom it removed, so every tick reports a full crowd.
      await change(leaving, Math.min(leaving.length + target - crowd.length, target));
      stats.ticks++;
      due += tickMs;
      record();
      options.onTick?.({ ...stats });
    }
  } finally {
    if (options.leaveAtEnd !== false && crowd.length > 0) await change([...crowd], 0);
    record();
  }
  return stats;
}

/** `n` members of `crowd` at random (a partial Fisher-Yates shuffle of a copy). */
function pick(crowd: readonly Member[], n: number, random: () => number): Member[] {
  const pool = [...crowd];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
