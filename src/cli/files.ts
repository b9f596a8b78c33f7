// Files named by flags (--input, --file, --out, --frames, ...): checked before anything is sent or started,
// and refused with one line that names the flag and the file (exit 252), never Node's bare errno text or a
// temporary file's name, and never after a stage has already been joined or a key imported.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, NO_NEW_DIRECTORIES } from '../dirs.js';
import { UsageError } from './errors.js';

/** `file://x` is the AWS CLI's spelling of the file x; both are accepted wherever a flag names a file. */
export function filePath(text: string): string {
  return text.startsWith('file://') ? text.slice('file://'.length) : text;
}

/** What went wrong with `path`, in words (ENOENT, EACCES, ...). */
function problem(error: unknown, path: string): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return `no such file ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'EISDIR':
      return `${path} is a directory`;
    case 'ENOTDIR':
      return `a part of ${path} is not a directory`;
    default:
      return `${path}: ${(error as Error).message}`;
  }
}

/** The text of the file a flag names. */
export function readFlagFile(flag: string, text: string): string {
  const path = filePath(text);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} could not be read: ${problem(error, path)}`);
  }
}

/** A file a flag names for reading later (by ffmpeg, say): it must be a readable file now. */
export function checkInputFile(flag: string, path: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new UsageError(`${flag} could not be read: ${problem(error, path)}`);
  }
  if (isDir) throw new UsageError(`${flag} could not be read: ${path} is a directory`);
}

/** A file a flag names for writing: its directory must exist and be writable, and it must not be a directory. */
export function checkOutputFile(flag: string, path: string): void {
  const dir = dirname(path);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${flag} ${path}: the directory ${dir} does not exist` : `${flag} ${path} cannot be written: ${problem(error, dir)}`);
  }
  if (!isDir) throw new UsageError(`${flag} ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path} cannot be written: permission denied in ${dir}`);
  }
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path} is a directory; name a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // No such file yet: it is to be made.
  }
}

/** A directory a flag names for writing into, made (with its parents) if missing. */
export function makeOutputDir(flag: string, path: string): void {
  try {
    makeDirs(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // mkdir of a path that is a file fails with EEXIST, of a path under a file with ENOTDIR.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UsageError(`${flag} ${path} is not a directory`);
    if (code === 'ENOENT') throw new UsageError(`${flag} ${path} cannot be made: ${NO_NEW_DIRECTORIES}`);
    throw new UsageError(`${flag} ${path} cannot be made: ${problem(error, path)}`);
  }
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path} cannot be written: permission denied`);
  }
}
