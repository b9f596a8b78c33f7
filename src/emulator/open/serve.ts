// The page of `ivsrt open`, served by the emulator from the package itself (no CDN: it works offline):
// GET /open/ and its two assets. The page holds no secret; its one credential is the participant token in
// the URL fragment, which browsers never send. The Host rule of server.ts applies as to every route, and
// the Content-Security-Policy lets the page load only its own files and talk only to this origin.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { OPEN_PREFIX } from '../../open/url.js';

export { OPEN_PREFIX };

const FILES: Record<string, { name: string; type: string }> = {
  '/open/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/open/open.js': { name: 'open.js', type: 'text/javascript; charset=utf-8' },
  '/open/open.css': { name: 'open.css', type: 'text/css; charset=utf-8' },
};

export const CONTENT_SECURITY_POLICY = [
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

/**
 * Where the page's files are: dist/open/ next to the bundle (scripts/build.mjs copies them there), or
 * src/emulator/open/page/ when this module runs from a checkout.
 */
function pageDir(): string {
  // Bundled as CommonJS, __filename exists; as ESM, import.meta.url does.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  return /[/\\]src[/\\]emulator[/\\]open[/\\][^/\\]+$/.test(here) ? join(here, '..', 'page') : join(here, '..', 'open');
}

const cache = new Map<string, Buffer>();

function read(name: string): Buffer {
  let body = cache.get(name);
  if (!body) cache.set(name, (body = readFileSync(join(pageDir(), name))));
  return body;
}

export function serveOpenPage(req: IncomingMessage, res: ServerResponse, path: string): void {
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
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
