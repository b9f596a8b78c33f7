// Start-up by construction: the bundles run from V8 code caches, a command line loads only the bundles
// holding code it uses, and Ink/React stay out of every command but watch.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { fakeEndpoint, type FakeEndpoint } from '../helpers/fake-endpoint.js';
import { scratchDir } from '../helpers/scratch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let endpoint: FakeEndpoint;
beforeAll(async () => {
  endpoint = await fakeEndpoint((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ stages: [{ arn: 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234', name: 'cached' }] }));
  });
});
afterAll(async () => endpoint.close());

describe('start-up', () => {
  it('runs the same from a cold and a warm code cache', async () => {
    const cache = scratchDir('cache');
    const cold = await runCli(['stage', 'list', '--json'], { endpoint: endpoint.url, env: { IVSRT_CACHE_DIR: cache } });
    expect(cold.code).toBe(0);
    const caches = readdirSync(join(cache, 'ivsrt')).filter((f) => f.startsWith('code-cache-'));
    expect(caches.length).toBeGreaterThan(0);
    // The compiled code that every later run executes is the user's alone, as the directory it is in.
    for (const f of caches) expect(statSync(join(cache, 'ivsrt', f)).mode & 0o777, f).toBe(0o600);
    expect(statSync(join(cache, 'ivsrt')).mode & 0o777).toBe(0o700);
    // The warm run executes functions restored from the cache, including the SDK's lazy loads.
    const warm = await runCli(['stage', 'list', '--json'], { endpoint: endpoint.url, env: { IVSRT_CACHE_DIR: cache } });
    expect(warm.code).toBe(0);
    expect(warm.json()).toEqual(cold.json());
    expect(warm.json().stages[0].name).toBe('cached');
  });

  // A cache is code the run executes: one another user wrote, or could change, is compiled afresh and replaced.
  async function spoiledCacheReplaced(spoil: (file: string) => void): Promise<void> {
    const cache = scratchDir('cache-foreign');
    const dir = join(cache, 'ivsrt');
    expect((await runCli(['--help'], { env: { IVSRT_CACHE_DIR: cache } })).code).toBe(0);
    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) spoil(file);
    expect((await runCli(['--help'], { env: { IVSRT_CACHE_DIR: cache } })).code).toBe(0);
    // Replaced (a cache that is used is left as it is): this user's, 0600.
    for (const file of files) expect([statSync(file).uid, statSync(file).mode & 0o777], file).toEqual([process.getuid?.(), 0o600]);
  }

  it('does not run a cache others can write (0666), and replaces it with its own', () => spoiledCacheReplaced((file) => chmodSync(file, 0o666)));

  it.skipIf(process.getuid?.() !== 0)("does not run another user's cache (nobody's), and replaces it with its own (as root, to chown)", () =>
    spoiledCacheReplaced((file) => chownSync(file, 65534, 65534)),
  );

  it('keeps no cache in the folder it runs from when IVSRT_CACHE_DIR or XDG_CACHE_HOME is empty or relative, but in ~/.cache', async () => {
    for (const given of ['', 'relative']) {
      const [cwd, home] = [scratchDir('cache-cwd'), scratchDir('cache-home')];
      expect((await runCli(['--help'], { cwd, env: { HOME: home, IVSRT_CACHE_DIR: given, XDG_CACHE_HOME: given } })).code).toBe(0);
      expect(readdirSync(cwd), JSON.stringify(given)).toEqual([]);
      expect(readdirSync(join(home, '.cache', 'ivsrt')).some((f) => f.startsWith('code-cache-')), JSON.stringify(given)).toBe(true);
    }
  });

  it('keeps the newest few caches of a kind, not one per build ever run', async () => {
    const dir = join(scratchDir('cache-prune'), 'ivsrt');
    mkdirSync(dir, { recursive: true });
    // Caches that five earlier builds left behind, oldest first, and one of another kind.
    for (let build = 1; build <= 5; build++) {
      const file = join(dir, `code-cache-help-${build}-1-v0.bin`);
      writeFileSync(file, 'stale');
      utimesSync(file, build, build);
    }
    writeFileSync(join(dir, 'code-cache-command-1-1-v0.bin'), 'other kind');
    const r = await runCli(['--help'], { env: { IVSRT_CACHE_DIR: dirname(dir) } });
    expect(r.code).toBe(0);
    const left = readdirSync(dir).sort();
    expect(left.filter((f) => f.startsWith('code-cache-help-'))).toHaveLength(3);
    // this build's cache and the two newest of the earlier ones
    expect(left).toEqual(expect.arrayContaining(['code-cache-help-4-1-v0.bin', 'code-cache-help-5-1-v0.bin', 'code-cache-command-1-1-v0.bin']));
    expect(left).not.toContain('code-cache-help-1-1-v0.bin');
  });

  it('loads only the bundles that hold code the command line uses', async () => {
    /** The code caches a run wrote: one per bundle it loaded (dist/cli.cjs's named for the kind of run). */
    const bundlesLoaded = async (args: string[], options: Parameters<typeof runCli>[1] = {}, exitCode = 0) => {
      const cache = scratchDir('cache-kinds');
      const r = await runCli(args, { ...options, env: { IVSRT_CACHE_DIR: cache, ...options.env } });
      expect(r.code, r.stderr).toBe(exitCode);
      const dir = join(cache, 'ivsrt');
      return existsSync(dir) ? readdirSync(dir).map((f) => /^code-cache-([a-z]+)-/.exec(f)![1]).sort() : [];
    };
    // `--version` alone is answered by bin/ivsrt.js itself (the next test); with more on the line, commander answers.
    expect(await bundlesLoaded(['--version'])).toEqual([]);
    expect(await bundlesLoaded(['-v'])).toEqual([]);
    expect(await bundlesLoaded(['--version', '--no-color'])).toEqual(['help']);
    expect(await bundlesLoaded(['--help'])).toEqual(['help']);
    // Keys in the environment: neither the emulator nor the SDK's credential chain is read.
    expect(await bundlesLoaded(['stage', 'list', '--json'], { endpoint: endpoint.url })).toEqual(['command', 'verbs']);
    expect(await bundlesLoaded(['stage', 'list', '--query', 'stages[0].name'], { endpoint: endpoint.url })).toEqual(['command', 'tools', 'verbs']);
    // No keys: the credential chain loads, finds nothing, and the emulator's test keys stand in.
    const noKeys = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true' };
    expect(await bundlesLoaded(['stage', 'list', '--json'], { endpoint: endpoint.url, env: noKeys })).toEqual(['command', 'credentials', 'verbs']);
    expect(await bundlesLoaded(['local', 'status'], { env: { IVSRT_HOME: scratchDir('home') } })).toEqual(['command', 'local', 'verbs']);
    // subscribe's bad input is refused by the verb alone: no emulator, no WebRTC.
    expect(await bundlesLoaded(['subscribe', 'demo', 'alice', '--out', 'x.avi'], { endpoint: endpoint.url }, 252)).toEqual(['command', 'tools', 'verbs']);
  });

  it("reads an API call's reply without loading Node's web streams", async () => {
    // The SDK's default body collector asks whether each reply is a web ReadableStream, and naming that global
    // loads Node's web streams; the CLI gives the client its own collector for Node streams (src/api/reply-body.ts).
    const preload = join(scratchDir('preload'), 'built-ins.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`built-ins: ${process.moduleLoadList.join(', ')}\\n`));\n");
    const r = await runCli(['stage', 'list', '--json'], { endpoint: endpoint.url, env: { NODE_OPTIONS: `--require ${preload}` } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().stages[0].name).toBe('cached');
    expect(r.stderr).toMatch(/built-ins: .*NativeModule http\b/);
    expect(r.stderr).not.toContain('webstreams/readablestream');
    // src/boot/boot.ts hands each bundle its own require rather than one made by node:module's createRequire.
    expect(r.stderr).not.toMatch(/NativeModule module\b/);
  });

  it('answers --version alone from dist/version.cjs, loading no other file, with the line commander prints', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    // NODE_DEBUG=module logs each file the CommonJS loader loads; the bundles would load through dist/boot.cjs.
    const fast = await runCli(['--version'], { env: { NODE_DEBUG: 'module' } });
    expect(fast.code).toBe(0);
    expect(fast.stdout).toBe(`${version}\n`);
    const files = [...fast.stderr.matchAll(/load "([^"]+)" for module/g)].map((m) => relative(ROOT, m[1]!));
    expect(files).toEqual(['bin/ivsrt.js', 'dist/version.cjs']);
    const short = await runCli(['-v']);
    expect([short.code, short.stdout]).toEqual([0, `${version}\n`]);
    // The same line as the full command line, where commander answers from the front bundle.
    const full = await runCli(['--version', '--no-color'], { env: { NODE_DEBUG: 'module' } });
    expect(full.code).toBe(0);
    expect(full.stderr).toContain('dist/boot.cjs');
    expect(full.stdout).toBe(fast.stdout);
  });

  it('--version alone ends as every command does when stdout fails: 255 and one line for a full disk', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, '--version'], { env: testEnv(), stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([255, 'error: could not write the output: ENOSPC\n']);
    } finally {
      closeSync(full);
    }
  });

  it("the verbs bundle holds the IVS client and its commands, not the package index's aggregated class or paginators", () => {
    // scripts/build.mjs gives src/api/operations.ts the client and the commands from their own modules, so a
    // request never evaluates the IVSRealTime class (a method built per command) or the paginators.
    const dist = new URL('../../dist/', import.meta.url);
    const verbs = readFileSync(new URL('verbs.cjs', dist), 'latin1');
    const sdk = 'node_modules/@aws-sdk/client-ivs-realtime/dist-es/';
    expect(verbs).toContain(`${sdk}IVSRealTimeClient.js`);
    expect(verbs).toContain(`${sdk}commands/ListStagesCommand.js`);
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.cjs'))) {
      const bundle = readFileSync(new URL(file, dist), 'latin1');
      expect(bundle, file).not.toContain(`${sdk}IVSRealTime.js`);
      expect(bundle, file).not.toContain(`${sdk}pagination/`);
    }
  });

  it('no command bundle contains or requires Ink or React, and each is ASCII', () => {
    const dist = new URL('../../dist/', import.meta.url);
    const bundles = readdirSync(dist).filter((f) => f.endsWith('.cjs'));
    expect(bundles).toEqual(expect.arrayContaining(['cli.cjs', 'verbs.cjs', 'local.cjs']));
    for (const file of bundles) {
      const bundle = readFileSync(new URL(file, dist), 'utf8');
      // src/boot/boot.ts reads the bundles as latin1, which is the same text only for ASCII.
      expect(/[^\x00-\x7f]/.test(bundle), `${file} is not ASCII`).toBe(false);
      expect(bundle, file).not.toMatch(/require\(["'](ink|react)["']\)/);
      expect(bundle, file).not.toMatch(/from ["'](ink|react)["']/);
      expect(bundle, file).not.toContain('reconciler');
    }
    // The CLI's bundles carry their CommonJS wrapper, so boot.ts compiles the text as read, with no joined copy.
    for (const file of ['cli.cjs', 'verbs.cjs', 'tools.cjs', 'local.cjs', 'credentials.cjs']) {
      expect(readFileSync(new URL(file, dist), 'latin1').startsWith('(function (exports, require, module, __filename, __dirname) {'), file).toBe(true);
    }
  });

  it("each module wrapper in the bundles is a null-prototype literal, still named by the module's path", () => {
    // scripts/build.mjs: a plain one-method literal per module adds a transition to one shared V8 map for each
    // of hundreds of distinct keys as the bundle is evaluated; a dictionary adds none.
    const dist = new URL('../../dist/', import.meta.url);
    for (const file of ['cli.cjs', 'verbs.cjs', 'tools.cjs', 'local.cjs', 'credentials.cjs']) {
      const bundle = readFileSync(new URL(file, dist), 'latin1');
      expect(bundle, file).toMatch(/__esm\(\{__proto__:null,"(src|node_modules)\//);
      expect(bundle, file).not.toMatch(/\b(__esm|__commonJS)\(\{"/);
    }
  });

  it('a command outside watch mode loads no Ink or React module at run time', async () => {
    // NODE_DEBUG=module logs every CommonJS load; ESM loads of ink would fail the bundle check above.
    const r = await runCli(['stage', 'list', '--json'], { endpoint: endpoint.url, env: { NODE_DEBUG: 'module' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('MODULE');
    expect(r.stderr).not.toMatch(/node_modules\/(ink|react)\//);
  });
});
