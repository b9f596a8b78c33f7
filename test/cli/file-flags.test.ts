// Flags that name files (--out, --frames, --file, --input): a path that cannot be used is bad input, refused with
// one line naming the flag and the path, exit 252, before any request is sent or a stage joined. Before this,
// `public-key create --out` into a missing directory failed with Node's ENOENT text about a temporary file (255),
// `composition preview` with ffmpeg's "Input/output error" (255), `subscribe --frames <a file>` with "EEXIST:
// file already exists, mkdir" (255), and `publish --file <missing>` joined the stage, then failed (255).
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';
import { scratchDir } from '../helpers/scratch.js';

const STACK = /\n\s+at .+:\d+:\d+/;
const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';

let endpoint: FakeEndpoint;
let dir: string;

beforeAll(async () => {
  // Any request reaching it is a failure of the test: nothing may be sent.
  endpoint = await fakeEndpoint((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'InternalServerException' });
    res.end('{"message":"no request was expected"}');
  });
  dir = scratchDir('file-flags');
  writeFileSync(join(dir, 'a-file'), 'not a directory');
  mkdirSync(join(dir, 'a-dir'));
});
afterAll(async () => {
  await endpoint.close();
});

const CASES: { args: string[]; error: RegExp }[] = [
  { args: ['public-key', 'create', '--name', 'k', '--out', '/nonexistent-ivsrt/keys/k.pem'], error: /^error: --out \/nonexistent-ivsrt\/keys\/k\.pem: the directory \/nonexistent-ivsrt\/keys does not exist$/ },
  { args: ['public-key', 'create', '--name', 'k', '--out', 'a-dir'], error: /^error: --out a-dir is a directory; name a file$/ },
  { args: ['public-key', 'create', '--name', 'k', '--out', 'a-file/k.pem'], error: /^error: --out a-file\/k\.pem: a-file is not a directory$/ },
  { args: ['composition', 'preview', '--participants', '2', '--out', '/nonexistent-ivsrt/layout.png'], error: /^error: --out \/nonexistent-ivsrt\/layout\.png: the directory \/nonexistent-ivsrt does not exist$/ },
  { args: ['subscribe', STAGE, 'ana', '--out', '/nonexistent-ivsrt/ana.mkv'], error: /^error: --out \/nonexistent-ivsrt\/ana\.mkv: the directory \/nonexistent-ivsrt does not exist$/ },
  { args: ['subscribe', STAGE, 'ana', '--frames', 'a-file'], error: /^error: --frames a-file is not a directory$/ },
  { args: ['publish', STAGE, '--file', 'missing.mp4', '--duration', '1'], error: /^error: --file could not be read: no such file missing\.mp4$/ },
  { args: ['publish', STAGE, '--file', 'a-dir', '--duration', '1'], error: /^error: --file could not be read: a-dir is a directory$/ },
  { args: ['stage', 'create', '--input', 'a-dir'], error: /^error: --input could not be read: a-dir is a directory$/ },
  { args: ['public-key', 'import', '--file', 'missing.pem'], error: /^error: --file could not be read: no such file missing\.pem$/ },
  // These said Node's bare errno: "cannot read the private key missing.pem: ENOENT", "--credentials-file missing: ENOENT".
  { args: ['token', 'sign', STAGE, '--key', 'missing.pem', '--public-key', 'arn:aws:ivs:us-east-1:123456789012:public-key/abcdABCD1234'], error: /^error: --key could not be read: no such file missing\.pem$/ },
  { args: ['local', 'start', '--port', '0', '--credentials-file', 'missing'], error: /^error: --credentials-file could not be read: no such file missing$/ },
  // The emulator started with these, and failed only at the first recording or dead letter.
  { args: ['local', 'start', '--port', '0', '--s3-dir', 'a-file'], error: /^error: --s3-dir a-file is not a directory$/ },
  // Under /proc a directory exists that takes no new ones (mkdir: ENOENT): Node's recursive mkdir spun on it for good.
  { args: ['local', 'start', '--port', '0', '--s3-dir', '/proc/ivsrt-x/y'], error: /^error: --s3-dir \/proc\/ivsrt-x\/y cannot be made: that file system does not let directories be made there$/ },
  { args: ['local', 'start', '--background', '--s3-dir', '/proc/ivsrt-x'], error: /^error: --s3-dir \/proc\/ivsrt-x cannot be made: that file system does not let directories be made there$/ },
  { args: ['local', 'start', '--port', '0', '--event-dead-letter', '/nonexistent-ivsrt/dead.ndjson'], error: /^error: --event-dead-letter \/nonexistent-ivsrt\/dead\.ndjson: the directory \/nonexistent-ivsrt does not exist$/ },
];

describe('flags that name files', () => {
  it.each(CASES)('$args.0 $args.1 … $error: 252, one line, nothing sent', async ({ args, error }) => {
    const before = endpoint.requests.length;
    const r = await runCli(['--endpoint-url', endpoint.url, ...args], { env: { IVSRT_HOME: join(dir, 'home') }, cwd: dir });
    expect(r.code, r.stderr).toBe(252);
    expect(r.stderr.trimEnd()).toMatch(error);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
    expect(endpoint.requests.length - before).toBe(0);
  });

  it('subscribe --frames still makes a missing directory, with its parents', async () => {
    // The run goes on to fail on the fake endpoint's reply (254); the directory was made before the first request.
    const frames = join(dir, 'frames', 'deep');
    const r = await runCli(['--endpoint-url', endpoint.url, 'subscribe', STAGE, 'ana', '--frames', frames, '--duration', '1'], { env: { IVSRT_HOME: join(dir, 'home') } });
    expect(r.code, r.stderr).not.toBe(252);
    expect(statSync(frames).isDirectory()).toBe(true);
  });
});
