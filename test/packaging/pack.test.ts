// The package as a user gets it: `npm pack`, a global install of the tarball into a scratch prefix
// (dependencies from the npm cache when it has them), then the installed command run from elsewhere;
// and a local install into a scratch project that imports `ivsrt/emulator`, type-checked by tsc.
// Slow-ish (about 10 s): it packs the dist/ that `npm test` builds first, so it never rebuilds under
// the feet of the other test files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd, type Finished } from '../helpers/children.js';
import { testEnv } from '../helpers/cli.js';
import { startTestEmulator } from '../emulator/helpers.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNTIME_ENTRIES = /^(bin\/|dist\/|completions\/|README\.md$|LICENSE$|package\.json$)/;

/** Asynchronous: the emulator answering the installed command lives in this process. */
const run = (command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Finished> => runToEnd(command, args, { cwd: options.cwd, env: options.env ?? process.env });

let scratch: string;
let emu: RunningEmulator;
let tarball: string;
let packedFiles: string[];
let prefix: string;
let project: string;

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli.cjs')), 'dist/ is missing: run `npm run build` (npm test does) first').toBe(true);
  scratch = await mkdtemp(join(tmpdir(), 'ivsrt-pack-'));
  ({ emu } = await startTestEmulator());
  // --ignore-scripts: `prepare` would rebuild dist/ while other test files use it.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, info!.filename);
  packedFiles = info!.files.map((f) => f.path);
  prefix = join(scratch, 'prefix');
  project = join(scratch, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-ivsrt', private: true, type: 'module' }));
  const [installed, dependency] = await Promise.all([
    run('npm', ['install', '--global', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: scratch }),
    run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project }),
  ]);
  expect(installed.code, installed.stderr).toBe(0);
  expect(dependency.code, dependency.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await emu?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds only what runs: bin, dist, completions, README, LICENSE, package.json', () => {
    expect(packedFiles.filter((f) => !RUNTIME_ENTRIES.test(f))).toEqual([]);
    expect(packedFiles).toEqual(expect.arrayContaining(['bin/ivsrt.js', 'dist/boot.cjs', 'dist/cli.cjs', 'dist/verbs.cjs', 'dist/local.cjs', 'dist/tools.cjs', 'dist/credentials.cjs', 'dist/open/index.html', 'dist/open/open.js', 'dist/open/open.css', 'bin/package.json', 'completions/ivsrt.bash', 'completions/_ivsrt', 'completions/ivsrt.fish', 'package.json']));
  });

  it('declares the Node versions it runs on', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
    expect(manifest.engines?.node).toBe('>=20');
  });
});

describe('the installed package', () => {
  const bin = () => join(prefix, 'bin', 'ivsrt');
  const env = () => testEnv({ IVSRT_HOME: join(scratch, 'home'), HOME: scratch });

  it('needs none of the development dependencies', async () => {
    const modules = join(prefix, 'lib', 'node_modules', 'ivsrt', 'node_modules');
    expect(await readdir(modules)).toContain('@aws-sdk');
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const dev of Object.keys(manifest.devDependencies)) expect(existsSync(join(modules, dev)), dev).toBe(false);
  });

  it('prints its version from another directory', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await run(bin(), ['--version'], { cwd: tmpdir(), env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(manifest.version);
  });

  it('talks to the emulator, and completes from it', async () => {
    const created = await run(bin(), ['stage', 'create', '--name', 'packed', '--json', '--endpoint-url', emu.url], { cwd: tmpdir(), env: env() });
    expect(created.code, created.stderr).toBe(0);
    const { stage } = JSON.parse(created.stdout) as { stage: { arn: string } };
    const completed = await run(bin(), ['__complete', '--endpoint-url', emu.url, 'stage', 'get', 'pa'], { cwd: tmpdir(), env: env() });
    expect(completed.stdout).toBe(`packed\t${stage.arn}\n:36\n`);
  });

  it('prints the completion scripts it ships', async () => {
    const printed = await run(bin(), ['completion', 'zsh'], { cwd: tmpdir(), env: env() });
    expect(printed.stdout).toBe(await readFile(join(prefix, 'lib', 'node_modules', 'ivsrt', 'completions', '_ivsrt'), 'utf8'));
  });
});

describe('ivsrt/emulator from the installed package', () => {
  // Written as a user would: types from the package, the SDK it depends on, `await using`.
  const CONSUMER = `import { ListStagesCommand } from '@aws-sdk/client-ivs-realtime';
import { startEmulator, type LocalEmulator, type Seed } from 'ivsrt/emulator';

const seed: Seed = { ivsrtSeed: 1, stages: [{ name: 'packed', tags: { from: 'seed' } }] };
{
  await using emu: LocalEmulator = await startEmulator({ seed, clock: { frozen: true } });
  const { stages } = await emu.client().send(new ListStagesCommand({}));
  await emu.clock.advance(60);
  console.log(JSON.stringify({ stages: stages?.map((s) => s.name), endpoint: emu.endpoint }));
}

export function misuse(): void {
  // @ts-expect-error port is a number: proves the declarations are checked, not \`any\`
  void startEmulator({ port: 'not-a-port' });
}
`;

  it('type-checks with tsc (NodeNext), compiles, and runs', async () => {
    await writeFile(join(project, 'consumer.mts'), CONSUMER);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await run(
      process.execPath,
      [tsc, 'consumer.mts', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--lib', 'es2022,esnext.disposable', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types')],
      { cwd: project },
    );
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
    const ran = await run(process.execPath, ['consumer.mjs'], { cwd: project });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ stages: ['packed'], endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(ran.stderr).toBe('');
  }, 60_000);

  it('resolves to the ES module and its declarations through "exports"', async () => {
    const resolved = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('ivsrt/emulator'))"], { cwd: project });
    expect(resolved.stdout.trim()).toMatch(/\/node_modules\/ivsrt\/dist\/emulator\.mjs$/);
    expect(existsSync(join(project, 'node_modules', 'ivsrt', 'dist', 'types', 'fixture', 'api.d.ts'))).toBe(true);
  });
});
