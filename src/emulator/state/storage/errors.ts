// Why a data dir cannot be used. The emulator refuses to start with one line that names the file and
// the problem, and a hint; the CLI turns it into exit 253 (a configuration problem, README "Exit codes").

export class DataDirError extends Error {
  constructor(
    message: string,
    /** What the user can do about it. */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** A damaged data file: start-up stops before anything on disk is changed. */
export function corrupt(file: string, problem: string, dataDir: string): DataDirError {
  return new DataDirError(
    `the data dir is damaged: ${file}: ${problem}`,
    `Move ${dataDir} away to keep it for inspection, or delete its state with \`ivsrt local reset --data-dir ${dataDir}\`.`,
  );
}
