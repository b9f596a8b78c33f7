// What the CLI does when the far end misbehaves or the output cannot be written: it never hangs, never
// succeeds silently, and always says what happened with the documented exit code. Stub servers stand in
// for the broken service (test/helpers/fake-endpoint.ts); the real emulator for the local verbs.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';
import { backgroundHome, spawnChild } from '../helpers/children.js';
import { BIN, runCli, testEnv, type RunResult } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';
import { scratchDir } from '../helpers/scratch.js';

const bed = emulatorBed();

/** An endpoint that accepts the request and never answers. */
let silent: FakeEndpoint;
beforeAll(async () => {
  silent = await fakeEndpoint(() => {});
});
afterAll(() => silent?.close());

function replying(status: number, body: string, type = 'application/json'): Promise<FakeEndpoint> {
  return fakeEndpoint((_req, res) => res.writeHead(status, { 'content-type': type }).end(body));
}

/** `ivsrt stage list` against a stub that gives every request this reply. */
async function stageListAgainst(status: number, body: string, type?: string): Promise<RunResult> {
  const stub = await replying(status, body, type);
  try {
    return await runCli(['stage', 'list'], { endpoint: stub.url });
  } finally {
    await stub.close();
  }
}

describe('timeouts (--cli-connect-timeout, --cli-read-timeout)', () => {
  it('a reply that never comes ends after --cli-read-timeout with 255 and a message naming the flag', async () => {
    const r = await runCli(['stage', 'list', '--cli-read-timeout', '1'], { endpoint: silent.url });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/the endpoint stopped answering: no reply within 1 s/);
    expect(r.stderr).toContain('--cli-read-timeout');
    expect(r.stderr).not.toMatch(/TimeoutError|node-http-handler|\n\s+at /);
  });

  it("the profile's cli_read_timeout applies when the flag is absent", async () => {
    const config = join(scratchDir('profile'), 'config');
    writeFileSync(config, '[default]\nregion = us-east-1\ncli_read_timeout = 1\n');
    const r = await runCli(['stage', 'list'], { endpoint: silent.url, env: { AWS_CONFIG_FILE: config } });
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('no reply within 1 s');
  });

  it('a bad value is a usage error (252) and nothing is sent', async () => {
    const before = silent.requests.length;
    for (const flag of ['--cli-read-timeout', '--cli-connect-timeout']) {
      const r = await runCli(['stage', 'list', flag, 'soon'], { endpoint: silent.url });
      expect(r.code, r.stderr).toBe(252);
      expect(r.stderr).toContain(`${flag} must be a number of seconds`);
    }
    expect(silent.requests.length).toBe(before);
  });

  it('a reply that stops halfway ends after --cli-read-timeout with 255 and one line, each attempt retried', async () => {
    const stalled = await fakeEndpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"stages":[');
    });
    try {
      // The tests' environment makes one attempt (test/helpers/cli.ts); the CLI's default is three.
      const r = await runCli(['stage', 'list', '--cli-read-timeout', '1'], { endpoint: stalled.url, env: { AWS_MAX_ATTEMPTS: '3' } });
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/^error: the service answered HTTP 200 with a reply that could not be read: .*1000 ms.*\nCheck the endpoint \(--debug shows each request and reply\)\.\n$/);
      expect(stalled.requests).toHaveLength(3);
    } finally {
      await stalled.close();
    }
  });

  it('a connection reset before any reply is retried, then ends with 255 and one line', async () => {
    const resetting = await fakeEndpoint((_req, res) => res.socket!.resetAndDestroy());
    try {
      const r = await runCli(['stage', 'list'], { endpoint: resetting.url, env: { AWS_MAX_ATTEMPTS: '3' } });
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/^error: the endpoint stopped answering: no reply\n/);
      expect(resetting.requests).toHaveLength(3);
    } finally {
      await resetting.close();
    }
  });

  it('a bad value is a usage error (252) on the background emulator too, which stays the one in use', async () => {
    const env = { IVSRT_HOME: backgroundHome('timeout-home') };
    const first = await runCli(['stage', 'list', '--local'], { env });
    expect(first.code, first.stderr).toBe(0);
    // The bad value once made the check of the running emulator fail, so a second was started (and
    // refused the data dir: exit 253 about a lock, not the flag).
    const r = await runCli(['stage', 'list', '--local', '--cli-read-timeout', 'soon'], { env });
    expect(r.code, r.stderr).toBe(252);
    expect(r.stderr).toContain('--cli-read-timeout must be a number of seconds');
    expect(r.stderr).not.toContain('Started');
  });

  const hasPython = spawnSync('sh', ['-c', 'command -v python3']).status === 0;
  it.skipIf(!hasPython)('a server that never accepts the connection ends after --cli-connect-timeout with 255', async () => {
    // A listener with a full accept queue that never accepts: Linux drops further SYNs, so connect() hangs.
    const python = spawnChild('python3', ['-c', 'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0);print(s.getsockname()[1],flush=True);time.sleep(60)']);
    const port = await new Promise<number>((resolve) => python.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    // Three connections fill the queue (one accepted by the kernel, the rest pending).
    const fillers = [0, 1, 2].map(() => new Socket().on('error', () => {}).connect(port, '127.0.0.1'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const r = await runCli(['stage', 'list', '--cli-connect-timeout', '1'], { endpoint: `http://127.0.0.1:${port}` });
    for (const f of fillers) f.destroy();
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/could not connect to the endpoint within 1 s/);
    expect(r.stderr).toContain('--cli-connect-timeout');
  });
});

describe('replies that are not what the operation returns', () => {
  it('an empty 200 is an error (255) naming the status and the operation, not an empty success', async () => {
    const empty = await replying(200, '');
    try {
      for (const args of [['stage', 'list'], ['stage', 'get', 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234']]) {
        const r = await runCli([...args, '--json'], { endpoint: empty.url });
        expect(r.code, args.join(' ')).toBe(255);
        expect(r.stderr).toMatch(/the service answered HTTP 200 to (ListStages|GetStage) without/);
        expect(r.stdout).toBe('');
      }
    } finally {
      await empty.close();
    }
  });

  it('a malformed 200 (HTML from a proxy) is 255 naming the status', async () => {
    const r = await stageListAgainst(200, '<html>gateway</html>', 'text/html');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/HTTP 200 with a reply that could not be read/);
  });

  it('a 200 whose list is not a list is 255, not a crash inside pagination', async () => {
    const r = await stageListAgainst(200, '{"stages": 5}');
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('with stages that is not a list');
  });

  it('an empty 5xx names the status instead of "Unknown: UnknownError"', async () => {
    const r = await stageListAgainst(503, '');
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('HTTP 503');
    expect(r.stderr).not.toContain('UnknownError');
  });
});

describe('output that cannot be written', () => {
  it('stdout to a full device (/dev/full) exits 255 with one line, not 0', async () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" stage list --json --endpoint-url ${bed.emu.url} > /dev/full`], { env: testEnv(), encoding: 'utf8' });
    expect(r.status).toBe(255);
    expect(r.stderr.trim()).toBe('error: could not write the output: ENOSPC');
  });

  it('a reader that leaves early (| head -c 1) is a clean exit 0 with nothing on stderr', async () => {
    for (let i = 0; i < 3; i++) await bed.api('CreateStage', { name: `pipe-${i}` });
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" stage list --json --endpoint-url ${bed.emu.url} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { env: testEnv(), encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('0');
    expect(r.stderr).toBe('');
  });
});

describe('the local verbs keep the exit-code contract', () => {
  it('local join --token garbage is a usage error (252) with one line', async () => {
    const r = await runCli(['local', 'join', '--token', 'garbage'], { endpoint: bed.emu.url, env: { IVSRT_ADMIN_SECRET: bed.emu.adminSecret } });
    expect(r.code).toBe(252);
    expect(r.stderr).toMatch(/^error: the emulator refused the token: .*not a JWT/);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  });

  it('a background emulator that cannot start is a configuration problem (253) pointing at its log', async () => {
    const home = scratchDir('broken-home');
    writeFileSync(join(home, 'data'), 'a file where the data directory should be');
    const r = await runCli(['stage', 'list', '--local'], { env: { IVSRT_HOME: home } });
    expect(r.code).toBe(253);
    expect(r.stderr).toContain('the local emulator did not start');
    expect(r.stderr).toContain(join(home, 'local.log'));
  });
});

describe('hints that help', () => {
  it('stage create demo2 suggests --name', async () => {
    const r = await runCli(['stage', 'create', 'demo2'], { endpoint: bed.counting.url });
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('`ivsrt stage create --name demo2`');
  });

  it('a missing argument shows the usage; an unknown flag points at the verb\'s own help', async () => {
    const missing = await runCli(['participant', 'list'], { endpoint: bed.counting.url });
    expect(missing.stderr).toContain('Usage: ivsrt participant list <stage> [flags].');
    const unknown = await runCli(['participant', 'list', 'x', '--sesion', 'st-1'], { endpoint: bed.counting.url });
    expect(unknown.stderr).toContain('(Did you mean --session?)');
    expect(unknown.stderr).toContain('`ivsrt participant list --help`');
  });

  it('an unreachable endpoint does not suggest starting the local emulator', async () => {
    const r = await runCli(['stage', 'list', '--region', 'us-east-1'], { endpoint: 'http://127.0.0.1:9' });
    expect(r.code).toBe(255);
    expect(r.stderr).toContain('could not reach the endpoint');
    expect(r.stderr).not.toContain('local start');
  });

  it('--query with a key the result does not have is an error listing the keys it has', async () => {
    const { stage } = (await bed.api('CreateStage', { name: 'query-typo' })) as { stage: { arn: string } };
    const r = await runCli(['token', 'create', stage.arn, '--query', 'token'], { endpoint: bed.emu.url });
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--query token matches nothing: the result has no "token"');
    expect(r.stderr).toContain('Its top-level keys: participantToken.');
  });
});

describe('token sign | token decode -', () => {
  it('decode finds the token in what token sign prints to a pipe', async () => {
    const dir = scratchDir('sign-pipe');
    const key = join(dir, 'key.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const stage = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';
    const publicKey = 'arn:aws:ivs:us-east-1:123456789012:public-key/abcdABC1efg2';
    const sign = `"${process.execPath}" "${BIN}" token sign ${stage} --key ${key} --public-key ${publicKey} --events-url wss://e.example --whip-url https://w.example --user-id ana`;
    const decode = `"${process.execPath}" "${BIN}" token decode - --json`;
    const r = spawnSync('sh', ['-c', `${sign} | ${decode}`], { env: testEnv(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).claims).toMatchObject({ user_id: 'ana', resource: stage });
  });
});

describe('an emulator of your own (`ivsrt local start --port 4566`, as in the README)', () => {
  it('answers plain ivsrt commands through --endpoint-url without any AWS credentials', async () => {
    const r = await runCli(['stage', 'list', '--json'], { endpoint: bed.emu.url, env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', HOME: scratchDir('no-aws') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toHaveProperty('stages');
  });
});

describe('the endpoint in use is named', () => {
  it('starting the background emulator says so on stderr, even when stderr is not a terminal', async () => {
    const env = { IVSRT_HOME: backgroundHome('notice-home') };
    const first = await runCli(['stage', 'list', '--local'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^Started the local IVS emulator in the background at http:\/\/127\.0\.0\.1:\d+ \(`ivsrt local stop` stops it\)\.$/m);
    const again = await runCli(['stage', 'list', '--local'], { env });
    expect(again.stderr).not.toContain('Started');
  });

  it('--debug names the endpoint, also the default AWS one', async () => {
    const local = await runCli(['stage', 'list', '--debug'], { endpoint: bed.emu.url });
    expect(local.stderr).toContain(`endpoint=${bed.emu.url}`);
    const aws = await runCli(['stage', 'list', '--debug', '--region', 'eu-west-1', '--cli-connect-timeout', '2', '--cli-read-timeout', '2']);
    expect(aws.stderr).toContain('endpoint=https://ivsrealtime.eu-west-1.amazonaws.com');
  });
});
