// `ivsrt local start` on an address or port it cannot listen on: one line naming --host or --port and the
// OS's reason, a hint, exit 253 (this machine's problem), or 252 for a --host that is no address at all.
// Before, these said "could not reach the endpoint: getaddrinfo ENOTFOUND 999.1.1.1" (255, as if a client
// had failed) or Node's bare "listen EADDRINUSE: address already in use 127.0.0.1:4566".
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const STACK = /\n\s+at .+:\d+:\d+/;
let busy: Server;
let busyPort: number;
let home: string;

beforeAll(async () => {
  home = join(scratchDir('listen-errors'), 'home');
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

/** The error lines of a start expected to fail (the credentials warning of a non-loopback --host aside). */
async function refused(args: string[]): Promise<{ code: number; lines: string[] }> {
  const r = await runCli(['local', 'start', ...args], { env: { IVSRT_HOME: home } });
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).toBe('');
  return { code: r.code, lines: r.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('warning: listening on')) };
}

describe('local start where it cannot listen', () => {
  it('a port in use: names --port and EADDRINUSE, 253', async () => {
    const { code, lines } = await refused(['--port', String(busyPort)]);
    expect(code).toBe(253);
    expect(lines[0]).toBe(`error: --port ${busyPort}: cannot listen on 127.0.0.1:${busyPort}: the port is already in use (EADDRINUSE)`);
    expect(lines[1]).toContain('pass another --port');
    expect(lines).toHaveLength(2);
  });

  it('an address this machine does not have: names --host and EADDRNOTAVAIL, 253', async () => {
    const { code, lines } = await refused(['--port', '0', '--host', '192.0.2.1']);
    expect(code).toBe(253);
    expect(lines[0]).toBe('error: --host 192.0.2.1: cannot listen on 192.0.2.1:0: this machine has no such address (EADDRNOTAVAIL)');
    expect(lines).toHaveLength(2);
  });

  it('a name that does not resolve: names --host and ENOTFOUND, 253', async () => {
    const { code, lines } = await refused(['--port', '0', '--host', 'no-such-host.invalid']);
    expect(code).toBe(253);
    expect(lines[0]).toMatch(/^error: --host no-such-host\.invalid: cannot listen on no-such-host\.invalid:0: the name (does not resolve to an address \(ENOTFOUND\)|could not be resolved .*\(EAI_AGAIN\))$/);
  });

  it.each(['999.1.1.1', '::99999'])('--host %s, no address at all: a usage error, 252, before anything starts', async (host) => {
    const { code, lines } = await refused(['--port', '0', '--host', host]);
    expect(code).toBe(252);
    expect(lines).toEqual([`error: --host must be an IP address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for every interface) or a host name, got "${host}"`]);
  });

  it.each([['--host', '192.0.2.1'], ['--port', '1']])('--background %s: refused, 252 (the background emulator picks its own)', async (flag, value) => {
    const { code, lines } = await refused(['--background', flag, value]);
    expect(code).toBe(252);
    expect(lines[0]).toBe(`error: ${flag} does not go with --background: the background emulator picks a free port and keeps its state in IVSRT_HOME`);
  });
});
