// npm's `prepare` step. A clone builds dist/ with esbuild, a development dependency. `npm install -g .`
// links the clone without installing development dependencies, so there it must not try to build:
// a clone that `npm install` already built is used as it is, and one that never was is told what to do.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

function installed(name) {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

if (installed('esbuild')) {
  await import('./build.mjs');
} else if (!existsSync(new URL('../dist/cli.cjs', import.meta.url)) || !installed('commander')) {
  console.error('ivsrt: this clone has no dependencies installed and no dist/ built (esbuild, which builds it, is a development dependency).');
  console.error('Run `npm install` in the clone first (it builds dist/), then `npm install -g . --ignore-scripts`.');
  process.exit(1);
}
