// The launcher file of `ivsrt open` (src/open/browser.ts) against an emulator that cannot say when the page
// has loaded (one of an older ivsrt, here a stand-in answering 404): the file goes at once, and the
// outcome says why, instead of claiming a 60 s wait. A stand-in xdg-open records the file it was given.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openInBrowser } from '../../src/open/browser.js';

let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end('no such route\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('with an emulator that cannot say when the page loaded, removes the file at once and says why', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'ivsrt-xdg-'));
  const record = join(bin, 'called');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" > '${record}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const outcome = await openInBrowser(`${origin}/open/#token=a.b.c`, origin, { PATH: `${bin}:${process.env.PATH ?? ''}`, DISPLAY: ':99' }, 'linux');
  expect(outcome).toEqual({ opened: false, reason: expect.stringMatching(new RegExp(`^the emulator at ${origin} cannot say when the page has loaded \\(an older ivsrt\\?`)) });
  await expect.poll(() => existsSync(record), { timeout: 10_000 }).toBe(true);
  expect(existsSync(readFileSync(record, 'utf8').trim())).toBe(false);
});
