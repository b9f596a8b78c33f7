// The helper processes ivsrt starts and must not leave behind: ffmpeg (publish, subscribe, the recorder,
// the composition renderer) and the fixture's `ivsrt publish`. A parent that ends normally stops them
// itself; one that is SIGKILLed, or whose terminal dies, cannot, and its ffmpeg went on burning a core
// under pid 1. So on Linux each runs as `setpriv --pdeathsig KILL -- <command>` (util-linux, essential
// in Debian): the kernel sends the child SIGKILL when its parent goes, however it goes. setpriv execs the
// command, so the pid, the stdio pipes, the signals sent to it (SIGINT, which ffmpeg finishes its files
// on) and its exit code are the command's own. Where setpriv (or its --pdeathsig, util-linux 2.33+) is
// missing, as on macOS, the command is spawned plainly and outlives a killed parent as before.
// Two limits of the parent-death signal: it fires when the *thread* that forked exits (Node forks on the
// thread that calls spawn: the main thread, or a fixture worker thread, which ends only once the emulator
// in it has stopped its children), and a parent that dies between the fork and setpriv's prctl is missed.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** setpriv, once it has been seen to take --pdeathsig; null where it cannot (looked for once per process). */
let setpriv: string | null | undefined;

function parentDeathWrapper(): string | null {
  if (setpriv === undefined) {
    const found = process.platform === 'linux' ? findOnPath('setpriv') : undefined;
    setpriv = found && spawnSync(found, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0 ? found : null;
  }
  return setpriv;
}

/** Spawns `command` so that it dies with this process (see above); otherwise as `spawn` would. */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const wrapper = parentDeathWrapper();
  return wrapper ? spawn(wrapper, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}
