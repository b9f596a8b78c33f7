import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { runDemo, type WatchOpener } from '../../src/demo/run.js';


export const verb = defineVerb({
  summary: 'Start the emulator, fill a stage with simulated participants and watch them live',
  order: 50,
  description:
    'The quickest look at ivsrt: starts the local emulator in the background (or reuses it), creates the stage "demo" (or reuses it), ' +
    'keeps simulated participants joining, publishing and leaving on it, and opens the watch view (press q to quit). ' +
    'Without a terminal, or with --no-watch, it prints progress on stderr instead and a summary at the end. The emulator keeps running afterwards.',
  examples: [
    { command: 'ivsrt demo' },
    { command: 'ivsrt demo --participants 12 --stage-name town-hall' },
    { command: 'ivsrt demo --no-watch --duration 10 --json', description: 'ten seconds of churn, then a JSON summary (for scripts and CI)' },
  ],
  options: [
    { flags: '--stage-name <name>', description: 'the stage to create or reuse', defaultValue: 'demo' },
    { flags: '--participants <n>', description: 'how many simulated participants to keep on the stage (1-50)', parse: 'int', defaultValue: 6 },
    { flags: '--duration <seconds>', description: 'stop after this long (default: until you quit the watch view or press Ctrl-C)', parse: 'int' },
    { flags: '--no-watch', description: 'do not open the watch view; report progress instead' },
  ],
  output: {
    columns: [
      { header: 'STAGE', field: 'stage.name' },
      { header: 'JOINED', field: 'participants.joined' },
    ],
  },
  async run(ctx, options) {
    if (!Number.isInteger(options.participants) || options.participants < 1 || options.participants > 50) {
      throw new UsageError(`--participants must be from 1 to 50, got ${options.participants}`);
    }
    if (options.duration !== undefined && options.duration < 1) throw new UsageError(`--duration must be at least 1 second, got ${options.duration}`);
    const openWatch = ctx.io.stdoutIsTTY && options.watch ? await watchOpener() : undefined;
    return runDemo(ctx, { stageName: options.stageName, participants: options.participants, durationSeconds: options.duration }, openWatch);
  },
});

/** The `watch` verb, run on the demo stage, when there is a terminal to show it on. */
async function watchOpener(): Promise<WatchOpener> {
  const { verb: watch } = await import('../watch/index.js');
  return async (ctx: Context, stageArn: string) => {
    await watch.run(ctx, { stage: stageArn });
  };
}
