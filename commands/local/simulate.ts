import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { resolveReference } from '../../src/cli/resources.js';
import { abortOnInterrupt } from '../../src/cli/signals.js';
import { simulate } from '../../src/local/simulate.js';
import { emulatorOf, STAGE_ALIAS, STAGE_ARG } from './shared.js';


export const verb = defineVerb({
  summary: 'Keep a churning crowd of simulated participants on a stage',
  order: 100,
  description:
    'Keeps a crowd of simulated participants on a stage of the local emulator: they join, some publish, the rest subscribe to the ' +
    'publishers (the crowd\'s, and those publishing real media over WHIP: ivsrt publish, a browser, OBS), and every tick a share of them leaves and is replaced, in one request and one commit per tick. Ticks that start a whole tick late ' +
    '(the emulator could not keep up) are counted as LATE. Runs until Ctrl-C or --duration, then everyone leaves and a summary is printed.',
  examples: [
    { command: 'ivsrt local simulate demo --participants 20' },
    { command: 'ivsrt local simulate demo --participants 50 --publishers 4 --churn 0.3 --duration 60 --json' },
  ],
  args: [STAGE_ARG],
  options: [
    STAGE_ALIAS,
    { flags: '--participants <n>', description: 'how many to keep connected', parse: 'int', defaultValue: 10 },
    { flags: '--publishers <n>', description: 'how many of them publish (default a quarter, at most 12)', parse: 'int' },
    { flags: '--churn <share>', description: 'share of the crowd replaced each tick, 0 to 1', parse: 'float', defaultValue: 0.1 },
    { flags: '--tick <seconds>', description: 'seconds between ticks', parse: 'float', defaultValue: 1 },
    { flags: '--duration <seconds>', description: 'stop after this long (default: until Ctrl-C)', parse: 'float' },
  ],
  output: {
    columns: [
      { header: 'TICKS', field: 'ticks' },
      { header: 'LATE', field: 'late' },
      { header: 'JOINED', field: 'joined' },
      { header: 'LEFT', field: 'left' },
      { header: 'REFUSED', field: 'errors' },
    ],
  },
  async run(ctx, options) {
    if (options.stage === undefined) throw new UsageError('name the stage: `ivsrt local simulate studio`');
    if (!Number.isInteger(options.participants) || options.participants < 1) throw new UsageError(`--participants must be a whole number of at least 1, got ${options.participants}`);
    if (options.publishers !== undefined && (options.publishers < 0 || options.publishers > options.participants)) {
      throw new UsageError(`--publishers must be from 0 to --participants (${options.participants})`);
    }
    if (!(options.churn >= 0 && options.churn <= 1)) throw new UsageError(`--churn must be from 0 to 1, got ${options.churn}`);
    if (!(options.tick > 0)) throw new UsageError(`--tick must be positive, got ${options.tick}`);
    if (options.duration !== undefined && !(options.duration > 0)) throw new UsageError(`--duration must be positive, got ${options.duration}`);
    const emulator = await emulatorOf(ctx);
    const stageArn = await resolveReference(emulator.ctx, 'stage', options.stage);
    const interrupt = abortOnInterrupt();
    ctx.info(`Simulating ${options.participants} participants on ${stageArn}; Ctrl-C ends it.`);
    try {
      return await simulate({
        url: emulator.url,
        admin: async () => emulator.admin,
        stageArn,
        participants: options.participants,
        publishers: options.publishers,
        churn: options.churn,
        tickMs: options.tick * 1000,
        durationMs: options.duration === undefined ? undefined : options.duration * 1000,
        signal: interrupt.signal,
        onTick: ctx.io.stderrIsTTY ? (s) => ctx.info(`${s.connected} connected, ${s.publishing} publishing; ${s.joined} joined, ${s.left} left${s.errors ? `, ${s.errors} refused` : ''}${s.late ? `, ${s.late} ticks late` : ''}`) : undefined,
      });
    } finally {
      interrupt.release();
    }
  },
});
