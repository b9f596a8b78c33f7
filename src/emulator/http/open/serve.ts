// The page of `ivsrt open`, served by the emulator from the package itself (no CDN: it works offline):
// GET /open/ and its two assets. The page holds no secret; its one credential is the participant token in
// the URL fragment, which browsers never send. The Host rule of server.ts applies as to every route, and
// the Content-Security-Policy lets the page load only its own files and talk only to this origin. The
// composition tile's player, hls.js (Apache-2.0), is served from the package too: the build copies its
// light build to dist/open/hls.js; from a checkout it is read from node_modules. It runs without a worker
// (the page turns that off), so the policy needs no worker-src; its media is a blob: URL (MediaSource).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LAUNCH_PARAM, LAUNCHED_ROUTE, OPEN_PREFIX } from '../../../open/url.js';

export { OPEN_PREFIX };

const FILES: Record<string, { name: string; type: string }> = {
  '/open/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/open/open.js': { name: 'open.js', type: 'text/javascript; charset=utf-8' },
  '/open/open.css': { name: 'open.css', type: 'text/css; charset=utf-8' },
  '/open/hls.js': { name: 'hls.js', type: 'text/javascript; charset=utf-8' },
};

/** hls.js's light build (no subtitles, alternate audio or DRM: a composition's output has none), in node_modules. */
const HLS_MODULE_FILE = 'hls.js/dist/hls.light.min.js';

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob: mediastream:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

// Bundled as CommonJS, __filename exists; as ESM, import.meta.url does.
const here = (): string => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
const fromCheckout = (): boolean => /[/\\]src[/\\]emulator[/\\]http[/\\]open[/\\][^/\\]+$/.test(here());

/**
 * Where a page file is: dist/open/ next to the bundle (scripts/build.mjs copies them there), or, when this
 * module runs from a checkout, src/emulator/http/open/page/ (hls.js: node_modules).
 */
function pathOf(name: string): string {
  if (!fromCheckout()) return join(here(), '..', 'open', name);
  return name === 'hls.js' ? createRequire(here()).resolve(HLS_MODULE_FILE) : join(here(), '..', 'page', name);
}

const cache = new Map<string, Buffer>();

function read(name: string): Buffer {
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(pathOf(name))));
  return body;
}

/** Launch ids remembered once their page was served, so a late asker is still answered. */
const REMEMBERED_LAUNCHES = 256;

/**
 * The launches of `ivsrt open` (src/open/browser.ts): the page served for a launch id, and who waits to
 * hear of it (the CLI, to remove its launcher file). A launch id is no credential: it names no stage and
 * lets whoever knows it learn only that the page was loaded.
 */
export class Launches {
  private readonly served = new Set<string>();
  private readonly waiting = new Map<string, Set<() => void>>();

  /** The page was served for `id`. */
  loaded(id: string): void {
    this.served.add(id);
    if (this.served.size > REMEMBERED_LAUNCHES) this.served.delete(this.served.values().next().value!);
    for (const wake of this.waiting.get(id) ?? []) wake();
    this.waiting.delete(id);
  }

  /** `GET /open/launched/<id>`: 200 once the page has been served for `id`; held open until then. */
  answer(res: ServerResponse, id: string): void {
    const done = (): void => void res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('loaded\n');
    if (this.served.has(id)) return done();
    const waiters = this.waiting.get(id) ?? new Set();
    this.waiting.set(id, waiters);
    waiters.add(done);
    res.once('close', () => {
      waiters.delete(done);
      if (waiters.size === 0 && this.waiting.get(id) === waiters) this.waiting.delete(id);
    });
  }
}

export function serveOpenPage(req: IncomingMessage, res: ServerResponse, path: string, query: string, launches: Launches): void {
  const launched = LAUNCHED_ROUTE.exec(path);
  if (launched && req.method === 'GET') return launches.answer(res, launched[1]!);
  const file = Object.hasOwn(FILES, path) ? FILES[path] : undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('the page takes GET\n');
    return;
  }
  if (!file) {
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('no such file; the page is at /open/\n');
    return;
  }
  const body = read(file.name);
  const launch = file.name === 'index.html' ? new URLSearchParams(query).get(LAUNCH_PARAM) : null;
  if (launch !== null && LAUNCHED_ROUTE.test(`${OPEN_PREFIX}launched/${launch}`)) launches.loaded(launch);
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
