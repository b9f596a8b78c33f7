// `ivsrt demo`: the whole product in one command. It starts (or reuses) the background emulator,
// creates (or reuses) a stage, keeps a churning crowd of simulated participants on it, and shows it in
// the watch view; without a terminal (or with --no-watch) it reports progress instead, for --duration.
import { createContext, type Context } from '../cli/context.js';
import { EXIT, ExitStatus, UsageError } from '../cli/errors.js';
import { listAll } from '../cli/paginate.js';
import { abortOnInterrupt } from '../cli/signals.js';
import type { AdminClient } from '../local/admin-client.js';
import { simulate, type SimulationStats } from '../local/simulate.js';

export interface DemoOptions {
  stageName: string;
  participants: number;
  /** Seconds; absent means until the watch view is closed or Ctrl-C. */
  durationSeconds?: number;
  /** Ticks (seconds) per session; see ROUND_TICKS. */
  roundTicks?: number;
}

/**
 * The crowd leaves and comes back as a new session this often. One endless session would collect every
 * participant who ever churned through it (hundreds after a few minutes), and the watch view, which lists
 * the whole session, would page through more of them every poll: its request rate would climb.
 */
const ROUND_TICKS = 30;

/** The demo's participants are named demo-1, demo-2...: the only ones it ever sends home. */
const DEMO_USER_PREFIX = 'demo';
const DEMO_USER = new RegExp(`^${DEMO_USER_PREFIX}-\\d+$`);

export interface DemoSummary {
  stage: { arn: string; name: string; reused: boolean };
  emulator: string;
  participants: { joined: number; left: number; connectedAtEnd: number; refused: number };
}

/** Opens the watch view on a stage and resolves when the user closes it. */
export type WatchOpener = (ctx: Context, stageArn: string) => Promise<void>;

export async function runDemo(ctx: Context, options: DemoOptions, openWatch?: WatchOpener): Promise<DemoSummary> {
  if (ctx.globals.region !== undefined || ctx.globals.profile !== undefined) {
    throw new UsageError('the demo runs on the local emulator only', 'Drop --region/--profile (or pass --endpoint-url to use an emulator you started).');
  }
  // Simulated participants exist only in an emulator: the background one, unless one was named.
  const named = ctx.globals.endpointUrl !== undefined;
  // A background emulator the demo starts enforces the service's rate limits, as production would.
  const local = named ? ctx : createContext({ io: ctx.io, env: { ...ctx.env, IVSRT_THROTTLE: '1' }, globals: { ...ctx.globals, local: true } });
  ctx.info(named ? `Using the emulator at ${ctx.globals.endpointUrl}.` : 'Starting the local emulator (or reusing the running one)...');
  const emulator = (await local.target()).endpoint!;
  const admin = await local.admin();
  await admin.status().catch(() => {
    throw new UsageError(`${emulator} is not an ivsrt emulator`, "The demo needs the emulator's /_ivsrt/ routes to simulate participants.");
  });

  const stage = await demoStage(local, options.stageName);
  const leftovers = await sendHomeEarlierCrowd(local, admin, stage.arn);
  ctx.info(`Stage ${options.stageName} (${stage.arn})${stage.reused ? ', reused' : ''}${leftovers ? `; ${leftovers} participant(s) from an earlier run left` : ''}.`);
  ctx.info(`Keeping ${options.participants} simulated participants on it, with churn.`);

  // Ctrl-C ends the demo cleanly: the crowd leaves and the summary is printed (a second one kills it).
  const interrupt = abortOnInterrupt();
  const simulation = simulateInRounds(ctx, admin, stage.arn, options, interrupt.signal, openWatch === undefined);
  // The view lasts until the user quits it (q or Ctrl-C, both ending the demo the same way) or --duration
  // ends the crowd; then the crowd leaves. Any other failure of the view is passed on afterwards.
  const viewing = openWatch
    ? Promise.race([openWatch(local, stage.arn).catch((error: unknown) => {
        if (!(error instanceof ExitStatus && error.exitCode === EXIT.interrupted)) throw error;
      }), simulation]).finally(() => interrupt.abort())
    : simulation;
  let stats: SimulationStats | undefined;
  try {
    await viewing;
  } finally {
    stats = await simulation.finally(() => interrupt.release());
  }
  const target = named ? `--endpoint-url ${emulator}` : '--local';
  ctx.info(
    `The emulator keeps running at ${emulator}: try \`ivsrt participant list ${options.stageName} ${target}\` or \`ivsrt watch ${options.stageName} ${target}\`` +
      (named ? '.' : '; stop it with `ivsrt local stop`.'),
  );
  return {
    stage: { arn: stage.arn, name: options.stageName, reused: stage.reused },
    emulator,
    participants: { joined: stats.joined, left: stats.left, connectedAtEnd: stats.connected, refused: stats.errors },
  };
}

async function demoStage(ctx: Context, name: string): Promise<{ arn: string; reused: boolean }> {
  const existing = (await listAll(ctx, 'ListStages', {}, (page) => page.stages)).find((s) => s.name === name);
  if (existing) return { arn: String(existing.arn), reused: true };
  const { stage } = await ctx.call('CreateStage', { name });
  return { arn: String(stage?.arn), reused: false };
}

/**
 * A run that was killed leaves its crowd connected; a new run starts without it. Only the demo's own
 * participants are sent home: anyone who joined the stage by hand stays.
 */
async function sendHomeEarlierCrowd(ctx: Context, admin: AdminClient, stageArn: string): Promise<number> {
  const { stage } = await ctx.call('GetStage', { arn: stageArn });
  if (!stage?.activeSessionId) return 0;
  const connected = await listAll(ctx, 'ListParticipants', { stageArn, sessionId: stage.activeSessionId, filterByState: 'CONNECTED' }, (page) => page.participants);
  const ours = connected.filter((p) => DEMO_USER.test(String(p.userId ?? '')));
  for (const p of ours) await admin.leave({ stageArn, participantId: String(p.participantId) });
  return ours.length;
}

/** The churning crowd, as sessions of ROUND_TICKS ticks each, until --duration or the signal; totals over all of them. */
async function simulateInRounds(ctx: Context, admin: AdminClient, stageArn: string, options: DemoOptions, signal: AbortSignal, report: boolean): Promise<SimulationStats> {
  const total: SimulationStats = { ticks: 0, late: 0, joined: 0, left: 0, publishing: 0, connected: 0, errors: 0 };
  const ends = options.durationSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.durationSeconds * 1000;
  while (!signal.aborted && Date.now() < ends) {
    const round = await simulate({
      url: admin.url,
      admin: async () => admin,
      stageArn,
      participants: options.participants,
      churn: 0.25,
      tickMs: 1000,
      maxTicks: options.roundTicks ?? ROUND_TICKS,
      durationMs: Number.isFinite(ends) ? Math.max(0, ends - Date.now()) : undefined,
      signal,
      userIdPrefix: DEMO_USER_PREFIX,
      // The watch view owns the terminal; progress lines would tear it.
      onTick: report ? (stats) => ctx.info(progressLine({ ...stats, joined: total.joined + stats.joined, left: total.left + stats.left })) : undefined,
    });
    total.ticks += round.ticks;
    total.late += round.late;
    total.joined += round.joined;
    total.left += round.left;
    total.errors += round.errors;
    total.connected = round.connected;
    total.publishing = round.publishing;
    total.lastError = round.lastError ?? total.lastError;
  }
  return total;
}

function progressLine(stats: SimulationStats): string {
  return `${stats.connected} connected, ${stats.publishing} publishing; ${stats.joined} joined and ${stats.left} left so far${stats.errors ? `; ${stats.errors} refused (${stats.lastError})` : ''}`;
}
