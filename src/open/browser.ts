// Opens a page in the system browser without putting its URL on a command line: the URL of `ivsrt open`
// carries a participant token in its fragment, and a command line is visible to every user in `ps`. The
// opener (xdg-open, open, start) is given a file instead, readable by this user only (0600 in a fresh 0700
// directory), that sends the browser on to the URL. The file lives only until the browser has read it: the
// URL it sends the browser to carries a random launch id in its query (the token stays in the fragment,
// which no request carries), the emulator reports when it has served the page for that id
// (GET /open/launched/<id>, src/emulator/http/open/serve.ts), and the file goes then, or after a bounded wait,
// or when the command is interrupted or terminated.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchedUrl, withLaunchId } from './url.js';

/** How long to wait for the browser to load the page before the file goes anyway (IVSRT_OPEN_WAIT_MS overrides). */
const WAIT_MS = 60_000;

export type BrowserOutcome = { opened: true } | { opened: false; reason: string };

/** Why no browser can be opened here, or undefined when one can (Linux needs a display). */
export function noDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'no display found (DISPLAY and WAYLAND_DISPLAY are unset)';
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Writes the redirecting page (0600, in a fresh 0700 directory); returns it and a function that removes both. */
export function redirectFile(url: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ivsrt-open-'));
  const file = join(dir, 'open.html');
  const href = escapeHtml(url);
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(file, `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0;url=${href}">\n<title>ivsrt open</title>\n<a href="${href}">Open the stage</a>\n`, { mode: 0o600 });
  } catch (error) {
    remove();
    throw error;
  }
  return { file, remove };
}

function opener(file: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [file]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
}

type PageWait = 'loaded' | 'waited' | 'unknown' | { status: number };

/**
 * Waits until the emulator at `origin` has served the page for `launchId` ('loaded'), `ms` pass ('waited'),
 * or the emulator turns out not to tell: a 404 is an emulator of an older ivsrt, which has no such route
 * ('unknown'); any other status is a failure of its own, told by its status.
 */
async function pageLoaded(origin: string, launchId: string, ms: number): Promise<PageWait> {
  try {
    const res = await fetch(launchedUrl(origin, launchId), { signal: AbortSignal.timeout(ms) });
    await res.body?.cancel();
    if (res.status === 200) return 'loaded';
    return res.status === 404 ? 'unknown' : { status: res.status };
  } catch {
    return 'waited';
  }
}

function waitMs(env: NodeJS.ProcessEnv): number {
  const given = Number(env.IVSRT_OPEN_WAIT_MS);
  return Number.isInteger(given) && given > 0 ? given : WAIT_MS;
}

/**
 * Opens `url` (on the emulator at `origin`) in the system browser, and returns once the browser has loaded
 * it (or the wait ran out), the launcher file removed either way.
 */
export async function openInBrowser(url: string, origin: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<BrowserOutcome> {
  const missing = noDisplay(env, platform);
  if (missing) return { opened: false, reason: missing };
  const launchId = randomBytes(16).toString('hex');
  const { file, remove } = redirectFile(withLaunchId(url, launchId));
  // Ctrl-C ends the command through process.exit, which runs this. SIGTERM and SIGHUP (a closed terminal)
  // would end Node without it: the file goes, then the process ends as the signal would have ended it.
  process.once('exit', remove);
  const endBySignal = (signal: NodeJS.Signals): void => {
    remove();
    process.exit(128 + constants.signals[signal]);
  };
  process.once('SIGTERM', endBySignal);
  process.once('SIGHUP', endBySignal);
  try {
    const [command, args] = opener(file, platform);
    const spawned = await new Promise<BrowserOutcome>((resolve) => {
      const child = spawn(command, args, { env, stdio: 'ignore', detached: true });
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ opened: false, reason: error.code === 'ENOENT' ? `${command} was not found` : `${command} failed: ${error.message}` }),
      );
      child.once('spawn', () => {
        child.unref();
        resolve({ opened: true });
      });
    });
    if (!spawned.opened) return spawned;
    const ms = waitMs(env);
    const outcome = await pageLoaded(origin, launchId, ms);
    if (outcome === 'loaded') return spawned;
    if (outcome === 'unknown') {
      return { opened: false, reason: `the emulator at ${origin} cannot say when the page has loaded (an older ivsrt? restart it: ivsrt local stop, then ivsrt local start), so the file that opens it is gone (${command} ran)` };
    }
    if (typeof outcome === 'object') {
      return { opened: false, reason: `the emulator at ${origin} answered HTTP ${outcome.status} when asked whether the page had loaded, so the file that opens it is gone (${command} ran)` };
    }
    return { opened: false, reason: `the browser did not load the page within ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`} (${command} ran)` };
  } finally {
    remove();
    process.off('exit', remove);
    process.off('SIGTERM', endBySignal);
    process.off('SIGHUP', endBySignal);
  }
}
