// `ivsrt demo`: the whole product in one command. It starts (or reuses) the background emulator,
// creates (or reuses) a stage, keeps a churning crowd of simulated participants on it, and shows it in
// the watch view; without a terminal (or with --no-watch) it reports progress instead, for --duration.
import { createContext, type Context } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { listAll } from '../cli/paginate.js';
import { takeOverInterrupt } from '../cli/signals.js';
import { AdminClient } from '../local/admin-client.js';
import { simulate, type SimulationStats } from '../local/simulate.js';

export interface DemoOptions {
  stageName: string;
  participants: number;
  /** Seconds; absent means until the watch view is closed or Ctrl-C. */
  durationSeconds?: number;
}

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
  const local = named ? ctx : createContext({ io: ctx.io, env: ctx.env, globals: { ...ctx.globals, local: true } });
  ctx.info(named ? `Using the emulator at ${ctx.globals.endpointUrl}.` : 'Starting the local emulator (or reusing the running one)...');
  const emulator = (await local.target()).endpoint!;
  const admin = new AdminClient(emulator);
  await admin.status().catch(() => {
    throw new UsageError(`${emulator} is not an ivsrt emulator`, "The demo needs the emulator's /_ivsrt/ routes to simulate participants.");
  });

  const stage = await demoStage(local, options.stageName);
  const leftovers = await sendHomeEarlierCrowd(local, admin, stage.arn);
  ctx.info(`Stage ${options.stageName} (${stage.arn})${stage.reused ? ', reused' : ''}${leftovers ? `; ${leftovers} participant(s) from an earlier run left` : ''}.`);
  ctx.info(`Keeping ${options.participants} simulated participants on it, with churn.`);

  // Ctrl-C ends the demo cleanly: the crowd leaves and the summary is printed (a second one kills it).
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  takeOverInterrupt();
  process.once('SIGINT', onInterrupt);
  const simulation = simulate({
    url: emulator,
    stageArn: stage.arn,
    participants: options.participants,
    churn: 0.25,
    tickMs: 1000,
    durationMs: options.durationSeconds === undefined ? undefined : options.durationSeconds * 1000,
    signal: stop.signal,
    userIdPrefix: 'demo',
    // The watch view owns the terminal; progress lines would tear it.
    onTick: openWatch ? undefined : (stats) => ctx.info(progressLine(stats)),
  });
  // The view lasts until the user quits it (or --duration ends the crowd); then the crowd leaves,
  // also when the view ends with an error such as Ctrl-C (130), which is passed on afterwards.
  const viewing = openWatch ? Promise.race([openWatch(local, stage.arn), simulation]).finally(() => stop.abort()) : simulation;
  let stats: SimulationStats | undefined;
  try {
    await viewing;
  } finally {
    stats = await simulation.finally(() => process.off('SIGINT', onInterrupt));
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
  const existing = (await listAll(ctx, 'ListStages', {}, 'stages')).find((s) => s.name === name);
  if (existing) return { arn: String(existing.arn), reused: true };
  const { stage } = await ctx.call('CreateStage', { name });
  return { arn: String(stage?.arn), reused: false };
}

/** A run ended by Ctrl-C leaves its crowd connected; a new run starts from an empty room. */
async function sendHomeEarlierCrowd(ctx: Context, admin: AdminClient, stageArn: string): Promise<number> {
  const { stage } = await ctx.call('GetStage', { arn: stageArn });
  if (!stage?.activeSessionId) return 0;
  const connected = await listAll(ctx, 'ListParticipants', { stageArn, sessionId: stage.activeSessionId, filterByState: 'CONNECTED' }, 'participants');
  for (const p of connected) await admin.leave({ stageArn, participantId: String(p.participantId) });
  return connected.length;
}

function progressLine(stats: SimulationStats): string {
  return `${stats.connected} connected, ${stats.publishing} publishing; ${stats.joined} joined and ${stats.left} left so far${stats.errors ? `; ${stats.errors} refused (${stats.lastError})` : ''}`;
}
