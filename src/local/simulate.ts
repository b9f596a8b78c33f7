// A crowd on a stage for demos and watch-mode development: participants join with real tokens, some
// publish, subscribers watch the publishers (the crowd's, and any publishing real media over WHIP), and a
// share of the crowd leaves and is replaced every tick.
import { AdminError, plainAdmin, type AdminFactory } from './admin-client.js';

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
}

export interface SimulationStats {
  ticks: number;
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

export async function simulate(options: SimulateOptions): Promise<SimulationStats> {
  const admin = await (options.admin ?? plainAdmin())(options.url);
  const random = options.random ?? Math.random;
  const target = Math.max(0, Math.floor(options.participants));
  const publishers = Math.min(options.publishers ?? Math.max(1, Math.floor(target / 4)), 12, target);
  const churn = Math.min(1, Math.max(0, options.churn ?? 0.1));
  const tickMs = options.tickMs ?? 1000;
  const prefix = options.userIdPrefix ?? 'sim';
  const stats: SimulationStats = { ticks: 0, joined: 0, left: 0, publishing: 0, connected: 0, errors: 0 };
  const crowd: Member[] = [];
  let serial = 0;

  const tolerate = async (work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      stats.errors++;
      stats.lastError = `${error.type}: ${error.message}`;
      return false;
    }
  };

  /** The stage's publishers with real media (WHIP): the crowd's subscribers receive them too, beside real subscribers. */
  const realPublishers = async (): Promise<string[]> =>
    (await admin.media()).whipPublishers.filter((p) => p.stageArn === options.stageArn && p.publishStartedAt !== undefined).map((p) => p.participantId);

  const joinOne = async (): Promise<void> => {
    const publisher = crowd.filter((m) => m.publisher).length < publishers;
    const userId = `${prefix}-${++serial}`;
    const { participantToken } = await admin.createToken({
      stageArn: options.stageArn,
      userId,
      capabilities: publisher ? ['PUBLISH', 'SUBSCRIBE'] : ['SUBSCRIBE'],
      attributes: { simulated: 'true' },
    });
    const ok = await tolerate(async () => {
      await admin.join({ token: participantToken.token, publish: publisher, clientInfo: { sdkVersion: 'ivsrt-simulate', osName: 'Linux' } });
    });
    if (!ok) return;
    const member = { participantId: participantToken.participantId, publisher };
    crowd.push(member);
    stats.joined++;
    if (options.subscribe !== false && !publisher) {
      for (const publisherId of [...crowd.filter((m) => m.publisher).map((m) => m.participantId), ...(await realPublishers())]) {
        await tolerate(() => admin.subscribe({ stageArn: options.stageArn, participantId: member.participantId }, publisherId));
      }
    }
  };

  const leaveOne = async (index: number): Promise<void> => {
    const [member] = crowd.splice(index, 1);
    if (await tolerate(() => admin.leave({ stageArn: options.stageArn, participantId: member!.participantId }))) stats.left++;
  };

  const record = (): void => {
    stats.connected = crowd.length;
    stats.publishing = crowd.filter((m) => m.publisher).length;
  };

  const ends = options.durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.durationMs;
  const maxTicks = options.maxTicks ?? Number.POSITIVE_INFINITY;
  const open = (): boolean => !options.signal?.aborted && Date.now() < ends;
  const running = (): boolean => open() && stats.ticks < maxTicks;
  try {
    // The crowd gathers even when no tick is asked for (maxTicks 0).
    while (crowd.length < target && open()) await joinOne();
    record();
    while (running()) {
      await pause(Math.min(tickMs, Math.max(0, ends - Date.now())), options.signal);
      if (!running()) break;
      const leaving = Math.round(crowd.length * churn);
      for (let i = 0; i < leaving; i++) await leaveOne(Math.floor(random() * crowd.length));
      // A tick replaces whom it removed even if time runs out meanwhile, so every tick reports a full crowd.
      for (let i = 0; i < leaving && crowd.length < target; i++) await joinOne();
      stats.ticks++;
      record();
      options.onTick?.({ ...stats });
    }
  } finally {
    if (options.leaveAtEnd !== false) while (crowd.length > 0) await leaveOne(crowd.length - 1);
    record();
  }
  return stats;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
