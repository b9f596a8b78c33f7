// Bundles the CLI into dist/: one CommonJS file for every command (loaded through a code cache by
// bin/ivsrt.js), and the Ink watch UI as a separate ES module imported only in watch mode.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  define: { __IVSRT_VERSION__: JSON.stringify(version) },
};

await build({ ...common, entryPoints: ['src/boot/boot.ts'], format: 'esm', outfile: 'dist/boot.js' });
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  format: 'cjs',
  outfile: 'dist/cli.cjs',
  minifyWhitespace: true,
  minifySyntax: true,
  // The Ink app has its own bundle; everything else, SDK included, lives in this one file.
  external: ['ink', 'react', 'react/*', './watch.mjs'],
  // esbuild warns that import.meta is empty in CJS; nothing in this bundle relies on it.
  logOverride: { 'empty-import-meta': 'silent' },
});
if (existsSync('src/watch/ui/main.tsx')) {
  await build({ ...common, entryPoints: ['src/watch/ui/main.tsx'], format: 'esm', outfile: 'dist/watch.mjs', packages: 'external', jsx: 'automatic' });
}
