// Permission bits do not stop root, which the tests may run as: a test of a file or directory this user
// cannot use runs the command as `nobody` through setpriv (util-linux), and is skipped, saying why, where
// that cannot be done.
import { execFileSync } from 'node:child_process';

/** The prefix that runs a command as nobody:nogroup with no other groups. */
export const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** Why a command cannot be run as nobody here ('' when it can). */
export const cannotRunAsNobody: string = (() => {
  try {
    execFileSync(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), 'true'], { stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim() || 'setpriv refused';
  }
})();
