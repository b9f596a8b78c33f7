// The set-up every end-to-end CLI test file shares: a spawned emulator, an endpoint that proves nothing
// was sent, the API itself (to compare --json with), and the real bin aimed at the emulator.
import { afterAll, beforeAll } from 'vitest';
import { apiClient, type Api } from './activity.js';
import { runCli, type RunResult } from './cli.js';
import { spawnEmulator, type SpawnedEmulator } from './emulator.js';
import { refusingEndpoint, type FakeEndpoint } from './fake-endpoint.js';
import { expectRefusedLocally } from './refused.js';

export interface Bed {
  /** Set by the first beforeAll of the file. */
  readonly emu: SpawnedEmulator;
  /** Never to be reached: validation failures are run against it to prove no request went out. */
  readonly counting: FakeEndpoint;
  api: Api;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** The command fails with 252, mentioning `mentions`, and sends nothing. */
  refusedLocally(args: string[], mentions: string): Promise<void>;
}

/** Call at the top of a test file, before its own beforeAll hooks (which then find the emulator up). */
export function emulatorBed(emulatorArgs: string[] = []): Bed {
  let emu: SpawnedEmulator | undefined;
  let counting: FakeEndpoint | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    [emu, counting] = await Promise.all([spawnEmulator(emulatorArgs), refusingEndpoint()]);
    api = apiClient(emu.url);
  });
  afterAll(async () => {
    await Promise.all([emu?.stop(), counting?.close()]);
  });
  return {
    get emu() {
      return emu!;
    },
    get counting() {
      return counting!;
    },
    api: (operation, input) => api!(operation, input),
    cli: (args, env = {}) => runCli(args, { endpoint: emu!.url, env }),
    refusedLocally: (args, mentions) => expectRefusedLocally(counting!, args, mentions),
  };
}
