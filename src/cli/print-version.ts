// `ivsrt --version` (or `-v`) alone on the command line: bin/ivsrt.js answers it from dist/version.cjs,
// built from this file alone, without loading the CLI's bundles or commander. It prints the same line
// commander prints for the full command line (src/cli/main.ts gives commander the same VERSION), and a
// failed write ends the way it does for every command (onOutputError).
import { writeSync } from 'node:fs';
import { onOutputError } from './io.js';
import { VERSION } from '../version.js';

export function printVersion(): number {
  const line = `${VERSION}\n`;
  try {
    // Synchronous, as process.stdout is for files, pipes and terminals on Linux; without building the stream.
    writeSync(1, line);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A non-blocking stdout that is full: the stream waits for it, as the full command line would.
    if (code === 'EAGAIN') process.stdout.write(line);
    else onOutputError(error as NodeJS.ErrnoException, 'stdout');
  }
  return 0;
}
