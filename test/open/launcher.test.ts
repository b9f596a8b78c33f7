// The launcher file of `ivsrt open` (src/open/browser.ts) against an emulator that cannot say when the page
// has loaded (one of an older ivsrt, here a stand-in answering 404, or one that fails, answering 500): the
// file goes at once, and the outcome says why, instead of claiming a 60 s wait. A stand-in xdg-open records
// the file it was given.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openInBrowser } from '../../src/open/browser.js';

let server: Server;
let origin = '';
/** What the stand-in answers GET /open/launched/<id> with. */
let status = 404;
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(status).end(status === 404 ? 'no such route\n' : 'it broke\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Opens the page with a stand-in xdg-open; the outcome, once the file it was given is gone. */
async function openWithStandIn(): Promise<unknown> {
  const bin = mkdtempSync(join(tmpdir(), 'ivsrt-xdg-'));
  const record = join(bin, 'called');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" > '${record}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const outcome = await openInBrowser(`${origin}/open/#token=a.b.c`, origin, { PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99' }, 'linux');
  await expect.poll(() => existsSync(record), { timeout: 10_000 }).toBe(true);
  expect(existsSync(readFileSync(record, 'utf8').trim())).toBe(false);
  return outcome;
}

it('with an emulator that cannot say when the page loaded (404), removes the file at once and says why', async () => {
  status = 404;
  expect(await openWithStandIn()).toEqual({ opened: false, reason: expect.stringMatching(new RegExp(`^the emulator at ${origin} cannot say when the page has loaded \\(an older ivsrt\\?`)) });
});

it('with an emulator that fails to answer (500), removes the file at once and names the status, not an older ivsrt', async () => {
  status = 500;
  expect(await openWithStandIn()).toEqual({ opened: false, reason: `the emulator at ${origin} answered HTTP 500 when asked whether the page had loaded, so the file that opens it is gone (xdg-open ran)` });
});
