// By default Ctrl-C ends a command at once with 130, as the AWS CLI does. Long-running verbs (the
// emulator in the foreground, watch, simulate) take over SIGINT to stop cleanly and restore state.
import { EXIT } from './errors.js';

const exitOnInterrupt = (): never => process.exit(EXIT.interrupted);

export function installDefaultInterrupt(): void {
  process.once('SIGINT', exitOnInterrupt);
}

/** The caller now owns SIGINT and must end the process itself. */
export function takeOverInterrupt(): void {
  process.off('SIGINT', exitOnInterrupt);
}
