// The emulator's admin routes through the CLI's Context (ctx.admin): --debug logs each request and reply
// with the secrets redacted, and --cli-read-timeout bounds them, as it does the API calls. Through the
// real bin (needs `npm run build`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../emulator/helpers.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('admin-debug: skipping: dist/cli.cjs is missing (run `npm run build`)');

describe.skipIf(!BUILT)('admin requests from the CLI', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator());
  });
  afterAll(() => emu.close());
  // The verbs run in another process, so they get the in-process emulator's admin secret from the environment.
  const env = (): NodeJS.ProcessEnv => ({ IVSRT_ADMIN_SECRET: emu.adminSecret });

  test('--debug logs each admin request and reply, without the admin secret or the token', async () => {
    const endpoint = emu.url;
    expect((await runCli(['stage', 'create', '--name', 'debugged'], { endpoint, env: env() })).code).toBe(0);
    const token = (await runCli(['token', 'create', 'debugged', '--query', 'participantToken.token'], { endpoint, env: env() })).stdout.trim();
    expect(token).toMatch(/^eyJ/);
    const r = await runCli(['local', 'join', '--token', '-', '--debug', '--json'], { endpoint, env: env(), input: token });
    expect(r.code, r.stderr).toBe(0);
    // The probe local verbs make first, then the join itself, each with its reply.
    expect(r.stderr).toContain(`[debug] > GET ${endpoint}/_ivsrt/status`);
    expect(r.stderr).toContain(`[debug] > POST ${endpoint}/_ivsrt/join`);
    expect(r.stderr).toContain('[debug] > x-ivsrt-admin-secret: ***');
    expect(r.stderr).toContain('[debug] > {"token":"***"}');
    expect(r.stderr).toMatch(/\[debug\] < 200 \(\d+ ms\)/);
    expect(r.stderr).toContain('"participantId"');
    expect(r.stderr).not.toContain(emu.adminSecret);
    expect(r.stderr).not.toContain(token);
  });

  test('a reply that never comes ends after --cli-read-timeout with 255 and a message naming the flag', async () => {
    const requests: string[] = [];
    const silent: Server = createServer((req) => requests.push(`${req.method} ${req.url}`));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const r = await runCli(['local', 'status', '--cli-read-timeout', '1'], { endpoint, env: env() });
      expect(r.code, r.stderr).toBe(255);
      expect(r.stderr).toMatch(/the endpoint stopped answering: no reply within 1 s/);
      expect(r.stderr).toContain('--cli-read-timeout');
      expect(requests).toEqual(['GET /_ivsrt/status']);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
