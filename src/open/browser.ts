// Opens a page in the system browser without putting its URL on a command line: the URL of `ivsrt open`
// carries a participant token in its fragment, and a command line is visible to every user in `ps`. The
// opener (xdg-open, open, start) is given a file instead, readable by this user only, that sends the
// browser on to the URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type BrowserOutcome = { opened: true } | { opened: false; reason: string };

/** Why no browser can be opened here, or undefined when one can (Linux needs a display). */
export function noDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'no display found (DISPLAY and WAYLAND_DISPLAY are unset)';
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Writes the redirecting page (0600, in a fresh 0700 directory) and returns its path. */
export function redirectFile(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivsrt-open-'));
  const file = join(dir, 'open.html');
  const href = escapeHtml(url);
  writeFileSync(file, `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0;url=${href}">\n<title>ivsrt open</title>\n<a href="${href}">Open the stage</a>\n`, { mode: 0o600 });
  return file;
}

function opener(file: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [file]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
}

export async function openInBrowser(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<BrowserOutcome> {
  const missing = noDisplay(env, platform);
  if (missing) return { opened: false, reason: missing };
  const [command, args] = opener(redirectFile(url), platform);
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'ignore', detached: true });
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ opened: false, reason: error.code === 'ENOENT' ? `${command} was not found` : `${command} failed: ${error.message}` }),
    );
    child.once('spawn', () => {
      child.unref();
      resolve({ opened: true });
    });
  });
}
