// Whether a program the tests drive as an independent client is here: a test that needs a missing one is
// skipped, saying so, rather than failed.
import { execFileSync } from 'node:child_process';

/** Whether `command args` runs here and, given `output`, prints something it matches (a version, a feature). */
export function runs(command: string, args: string[], output?: RegExp): boolean {
  try {
    const printed = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    return output === undefined || output.test(printed);
  } catch {
    return false;
  }
}
