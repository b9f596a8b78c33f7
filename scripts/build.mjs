// Bundles the CLI into dist/: one CommonJS file for every command (loaded through a code cache by
// bin/ivsrt.js), and the Ink watch UI as a separate ES module imported only in watch mode. The test
// fixture API (`ivsrt/emulator`) is an ES module of its own, with type declarations made by tsc.
// Each output is written to a temporary file and renamed into place, so a build never leaves a
// half-written bundle for a process that starts at the same moment.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import ts from 'typescript';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  define: { __IVSRT_VERSION__: JSON.stringify(version) },
};

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

// commander can run subcommands as separate executables, so it loads child_process at start-up; ivsrt
// has none, so the CLI bundle gets a stand-in that loads the real module only if that is ever asked for.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) => (/[/\\]commander[/\\]/.test(args.importer) ? { path: 'commander-child-process', namespace: 'lazy' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

async function bundle(options) {
  const result = await build({ ...common, ...options });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
}

/** Type declarations for `entry`, which must import only public types (so only a few .d.ts files result). */
function declarations(entry, outDir) {
  const program = ts.createProgram([entry], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir,
    rootDir: 'src',
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
  });
  const emitted = program.emit(undefined, (path, text) => writeAtomically(path, text));
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (problems.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
    throw new Error(`type declarations for ${entry}:\n${ts.formatDiagnostics(problems, host)}`);
  }
}

await bundle({ entryPoints: ['src/boot/boot.ts'], format: 'cjs', outfile: 'dist/boot.cjs' });
await bundle({
  entryPoints: ['src/cli/root.ts'],
  format: 'cjs',
  outfile: 'dist/cli.cjs',
  // Prefer packages' ES module builds: esbuild can tree-shake them and skips the CommonJS interop
  // wrappers that copy every export of the SDK's packages at start-up.
  mainFields: ['module', 'main'],
  // Functions restored from a V8 code cache lose Node 20's dynamic-import hook, so import() of
  // built-ins inside the bundle becomes require() (the Ink app loads through its own Script).
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  // The Ink app has its own bundle; everything else, SDK included, lives in this one file. Native modules
  // load from node_modules, and only when used: node-datachannel when a WHIP offer arrives or `publish`
  // runs, lmdb when an emulator has a data dir. The EventBridge and SQS clients serve only `events tail`
  // against AWS, so they load from node_modules too rather than weigh on every command's start-up.
  external: ['ink', 'react', 'react/*', './watch.mjs', 'node-datachannel', 'lmdb', '@aws-sdk/client-eventbridge', '@aws-sdk/client-sqs'],
  // esbuild warns that import.meta is empty in CJS; nothing in this bundle relies on it.
  logOverride: { 'empty-import-meta': 'silent' },
  plugins: [lazyChildProcessForCommander],
});
if (existsSync('src/watch/ui/main.tsx')) {
  await bundle({ entryPoints: ['src/watch/ui/main.tsx'], format: 'esm', outfile: 'dist/watch.mjs', packages: 'external', jsx: 'automatic' });
}
// `ivsrt/emulator`: dependencies stay imports from node_modules, so the SDK client it hands out is the
// user's own SDK class, and the lazily loaded storage engine is never bundled.
await bundle({ entryPoints: ['src/fixture/index.ts'], format: 'esm', outfile: 'dist/emulator.mjs', packages: 'external' });
declarations('src/fixture/api.ts', 'dist/types');
