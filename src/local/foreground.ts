// `ivsrt local start` in the foreground: start the emulator, say where it listens, stop cleanly on
// Ctrl-C / SIGTERM / POST /_ivsrt/shutdown.
import type { AdminFactory } from './admin-client.js';
import { loadSeed, parseSeed } from '../emulator/domain/seed.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/assemble.js';
import { clearLocalState, statusLocal, writeLocalState } from './background.js';
import { clearInstanceState, writeInstanceState } from './instance.js';
import { instancesDir, ivsrtHome, makeHomeDir } from './paths.js';

/** Where a foreground emulator listens, said once it is ready. */
export interface ReadyInfo {
  url: string;
  pid: number;
  dataDir: string | null;
  region: string;
  accountId: string;
}

export interface ForegroundIO {
  /** Once listening: the caller prints it (stdout), as a line of text or as JSON. */
  ready(info: ReadyInfo): void;
  /** Log lines (stderr). */
  err(line: string): void;
}

export interface ForegroundOptions extends EmulatorOptions {
  /** Record this instance in <IVSRT_HOME>/local.json so other ivsrt commands use it (unless another live one is recorded). */
  register?: boolean;
  /** The admin client that asks whether another background emulator runs (the CLI's Context.adminAt). */
  admin?: AdminFactory;
  env?: NodeJS.ProcessEnv;
  /** State to load before the emulator says it is ready: a seed file's text, and its name for errors. */
  seed?: { text: string; source: string };
  /** Called once listening (tests use it to reach the instance). */
  onReady?: (emulator: RunningEmulator) => void;
}

export async function runForeground(options: ForegroundOptions, io: ForegroundIO): Promise<void> {
  const seed = options.seed && parseSeed(options.seed.text, options.seed.source);
  // Where this instance records itself (and registers) must be usable before the server binds and says it
  // listens: an emulator that cannot record its admin secret is announced and then stopped otherwise.
  if (options.register) makeHomeDir(ivsrtHome(options.env), options.env);
  makeHomeDir(instancesDir(options.env), options.env);
  // While a seed loads, the emulator's log is held back: a seed it refuses ends the run with one line, not
  // after a "listening" line for a server that never served.
  const log = options.log ?? ((line: string) => io.err(`[ivsrt-local] ${line}`));
  let held: string[] | undefined = seed ? [] : undefined;
  const emulator = await startEmulator({
    ...options,
    log: (line) => (held ? held.push(line) : log(line)),
    // `ivsrt local reset` goes back to the seed, as the fixture's reset() does.
    afterReset: seed ? (emu) => loadSeed(emu, seed, options.seed!.source) : undefined,
  });
  if (seed) {
    try {
      await emulator.emulator.run(() => loadSeed(emulator.emulator, seed, options.seed!.source));
    } catch (error) {
      await emulator.close(); // its log still held, and dropped: the error says it all
      throw error;
    }
    for (const line of held ?? []) log(line);
    held = undefined;
  }
  const stop = (signal: NodeJS.Signals): void => {
    io.err(`[ivsrt-local] ${signal}: shutting down`);
    void emulator.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let registered = false;
  try {
    const statePath = writeInstanceState(
      { pid: process.pid, url: emulator.url, dataDir: options.dataDir ?? null, region: emulator.emulator.region, adminSecret: emulator.adminSecret, adminSigned: emulator.adminSigned },
      options.env,
    );
    if (options.register) {
      const other = await statusLocal({ env: options.env, admin: options.admin });
      if (other.running && other.pid !== process.pid) {
        io.err(`[ivsrt-local] not registered: the background emulator (pid ${other.pid}, ${other.url}) stays the one ivsrt commands use`);
      } else {
        writeLocalState({ pid: process.pid, url: emulator.url, dataDir: options.dataDir ?? null }, options.env);
        registered = true;
      }
    }
    // Where, not what: the secret itself never reaches a terminal, a log file or a command line.
    io.err(`[ivsrt-local] the /_ivsrt/ admin routes take the secret in ${statePath} (readable by you only); ivsrt's local verbs read it from there`);
    io.ready({ url: emulator.url, pid: process.pid, dataDir: options.dataDir ?? null, region: emulator.emulator.region, accountId: emulator.emulator.accountId });
    options.onReady?.(emulator);
    await emulator.closed;
  } catch (error) {
    // Its state file could not be written, say: a listening server would keep the process alive, unusable.
    await emulator.close();
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (registered) clearLocalState(process.pid, options.env);
    clearInstanceState(emulator.url, process.pid, options.env);
  }
}
