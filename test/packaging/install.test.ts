// `npm install -g .` on a fresh clone: npm links the folder and runs its `prepare`, without development
// dependencies. It must stop with a message saying what works instead of esbuild's "Cannot find
// package"; a clone that `npm install` already built links as it is (see README "Quick start").
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runToEnd, type Finished } from '../helpers/children.js';
import { scratchDir } from '../helpers/scratch.js';

const ROOT = join(import.meta.dirname, '..', '..');

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Finished> => runToEnd(command, args, { cwd, env: { ...process.env, ...env } });

/** The files a clone has before any `npm install`: no node_modules, no dist/. */
function bareClone(): string {
  const dir = scratchDir('clone');
  for (const entry of ['package.json', 'package-lock.json', 'scripts', 'bin', 'completions', 'README.md', 'LICENSE']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  return dir;
}

describe('npm install -g . from a clone', () => {
  it('on a clone nobody ran npm install in: fails saying what to run, not "Cannot find package esbuild"', async () => {
    const clone = bareClone();
    const prefix = scratchDir('prefix');
    const result = await run('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund'], clone, { npm_config_update_notifier: 'false' });
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain('Run `npm install` in the clone first');
    expect(result.output).not.toContain('Cannot find package');
  }, 60_000);

  it('prepare leaves an already built clone alone when esbuild is absent (as under a global link)', async () => {
    const clone = bareClone();
    mkdirSync(join(clone, 'dist'));
    writeFileSync(join(clone, 'dist', 'cli.cjs'), '// built earlier\n');
    mkdirSync(join(clone, 'node_modules', 'commander'), { recursive: true });
    writeFileSync(join(clone, 'node_modules', 'commander', 'package.json'), '{"name":"commander","main":"index.js"}');
    writeFileSync(join(clone, 'node_modules', 'commander', 'index.js'), '');
    const result = await run(process.execPath, ['scripts/prepare.mjs'], clone);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toBe('');
  });
});

describe('npm install prints no install-scripts warning', () => {
  it('every installed dependency with an install script is decided in allowScripts', async () => {
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    const allow = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    const modules = join(ROOT, 'node_modules');
    const packages = readdirSync(modules).flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((sub) => `${name}/${sub}`) : [name]));
    const undecided: string[] = [];
    const scripted: string[] = [];
    for (const name of packages) {
      const manifest = join(modules, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const { scripts = {}, gypfile } = JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string>; gypfile?: boolean };
      const runs = ['preinstall', 'install', 'postinstall'].some((s) => scripts[s]) || (gypfile && existsSync(join(modules, name, 'binding.gyp')));
      if (runs) scripted.push(name);
      if (runs && !(name in allow)) undecided.push(name);
    }
    expect(scripted).toContain('esbuild');
    expect(undecided, 'add these to package.json allowScripts (false unless the package needs its script)').toEqual([]);
  });
});
