// Loads the CLI's CommonJS bundles with a V8 code cache, the way v8-compile-cache does: the first run
// compiles and saves the cache, later runs skip most of the parse and compile (~40% of start-up).
// The CLI is several bundles (scripts/build.mjs says which holds what); a bundle is loaded the first
// time one of its modules is needed, through linked().
import { closeSync, fstatSync, openSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';
import { makeDirs } from '../dirs.js';

function cacheDir(): string {
  // Absolute paths only (as the XDG spec says of XDG_CACHE_HOME): an empty or relative one would put the
  // cache, code every run executes, in whatever folder ivsrt is run from, a cloned repository's say.
  const given = [process.env.IVSRT_CACHE_DIR, process.env.XDG_CACHE_HOME].find((dir) => dir && isAbsolute(dir));
  return join(given ?? (homedir() ? join(homedir(), '.cache') : tmpdir()), 'ivsrt');
}

/**
 * `kind` names the cache: the bundle, and for dist/cli.cjs the kind of run. A cache holds the functions
 * its first run compiled, so help and API commands keep separate caches of dist/cli.cjs: an API command
 * never runs from a cache that `--version` wrote.
 */
export function loadBundle(file: string, kind: string): Record<string, unknown> {
  let exports = loaded.get(file);
  if (!exports) {
    exports = evaluate(file, kind);
    loaded.set(file, exports);
  }
  return exports;
}

/** Each bundle's exports by file, so every bundle is evaluated once and each of its modules has one instance. */
const loaded = new Map<string, Record<string, unknown>>();

/**
 * The exports of module `id` of bundle `bundle` (dist/<bundle>.cjs), which is loaded on first use. The
 * build turns every import of a module that another bundle holds into this call.
 */
export function linked(bundle: string, id: string): unknown {
  const exports = loadBundle(join(__dirname, `${bundle}.cjs`), bundle);
  const load = (exports.modules as Record<string, () => unknown> | undefined)?.[id];
  if (!load) throw new Error(`dist/${bundle}.cjs does not hold ${id}: dist/ is from another build (run \`npm run build\`)`);
  return load();
}

function evaluate(file: string, kind: string): Record<string, unknown> {
  const bundle = openSync(file, 'r');
  const { mtimeMs, size } = fstatSync(bundle);
  const stamp = `${mtimeMs.toFixed(0)}-${size}-${process.version}`;
  const cacheFile = join(cacheDir(), `code-cache-${kind}-${stamp}.bin`);
  let cache: number | undefined;
  try {
    cache = openSync(cacheFile, 'r');
  } catch {
    // First run of this build: compile normally and save the cache below.
  }
  const cacheStat = cache === undefined ? undefined : fstatSync(cache);
  // A cache is compiled code this run would execute: only one this user wrote, and no one else can change,
  // is used (the cache folder may be shared: IVSRT_CACHE_DIR, XDG_CACHE_HOME, the temporary folder).
  if (cacheStat && !ownCache(cacheStat)) {
    closeSync(cache!);
    cache = undefined;
  }
  // One buffer holds the bundle's text and then its cache: the text is copied out into a string first,
  // and V8 is done with the cache once the Script is made. Each fresh page costs a page fault (hundreds
  // for the verbs bundle), so the second file reuses the first one's pages rather than new ones.
  const buffer = Buffer.allocUnsafeSlow(Math.max(size, cache === undefined ? 0 : cacheStat!.size));
  // The build writes ASCII only (esbuild's charset 'ascii' escapes the rest), so latin1 reads the same
  // text as utf8, without the decoding pass over the whole bundle.
  const source = buffer.toString('latin1', 0, readAll(bundle, buffer));
  const cachedData = cache === undefined ? undefined : buffer.subarray(0, readAll(cache, buffer));
  // The file is the module's function expression (scripts/build.mjs writes the CommonJS wrapper into it).
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  // Every bundle sits beside this file in dist/, so this module's own require resolves as theirs would
  // (and node:module, which createRequire needs, stays unloaded).
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    // Written after the bundle ran so the cache also holds the functions start-up compiled lazily.
    process.once('beforeExit', () => saveCache(script, cacheFile, kind));
  }
  return module.exports;
}

/** Whether a cache file is this user's and writable by no one else (always, where there are no uids). */
function ownCache(stat: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0);
}

/** Reads the open file `fd` to its end into the start of `buffer` (at least as large as the file), closes it, and returns the bytes read. */
function readAll(fd: number, buffer: Buffer): number {
  try {
    let length = 0;
    for (let read; (read = readSync(fd, buffer, length, buffer.length - length, length)) > 0; ) length += read;
    return length;
  } finally {
    closeSync(fd);
  }
}

/** Caches of this kind kept: a few builds (say two installed versions taking turns), not every one ever run. */
const CACHES_KEPT = 3;

function saveCache(script: Script, cacheFile: string, kind: string): void {
  try {
    const dir = dirname(cacheFile);
    // Yours alone, like the rest of what ivsrt keeps: code another user could swap in would run as you.
    makeDirs(dir, 0o700);
    const temporary = `${cacheFile}.${process.pid}`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cacheFile);
    pruneCaches(dir, kind);
  } catch {
    // A read-only home only costs speed.
  }
}

/** Removes all but the newest caches of `kind`, so each new build does not leave another megabyte behind. */
function pruneCaches(dir: string, kind: string): void {
  const prefix = `code-cache-${kind}-`;
  const caches = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.bin'))
    .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const stale of caches.slice(CACHES_KEPT)) rmSync(stale.path, { force: true });
}
