// Bundles the CLI into dist/: CommonJS bundles that a command line loads as it needs them, each through
// a V8 code cache (src/boot/boot.ts; see linkedBundles below for what each holds), and the Ink watch UI
// as a separate ES module imported only in watch mode. The test
// fixture API (`ivsrt/emulator`) is an ES module of its own, with type declarations made by tsc.
// Each output is written to a temporary file and renamed into place, so a build never leaves a
// half-written bundle for a process that starts at the same moment.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
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

// The IVS client's package index re-exports everything in it: the aggregated IVSRealTime class (which
// builds a method per command when evaluated), the paginators, the models. The bundles evaluate a module
// with all it imports, so src/api/operations.ts, the one module that imports values from the package, is
// given the client and the commands from their own modules instead, and the rest is never evaluated.
const ivsClientWithoutIndex = {
  name: 'ivs-client-without-index',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-ivs-realtime$/ }, (args) => (args.importer.endsWith('src/api/operations.ts') ? { path: 'client-and-commands', namespace: 'ivs-client' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'ivs-client' }, () => ({
      contents: "export { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime/dist-es/IVSRealTimeClient.js';\nexport * from '@aws-sdk/client-ivs-realtime/dist-es/commands/index.js';",
      resolveDir: process.cwd(),
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

// The CLI is split into CommonJS bundles by what a command line uses; src/boot/boot.ts loads each one
// through its own V8 code cache the first time a module in it is needed. Reading and deserialising a
// bundle costs in proportion to its size, not to what runs, so `--version` should not pay for the SDK,
// nor `stage list` for the emulator:
// - cli: what every command line evaluates (src/cli/root.ts and what it imports statically: commander,
//   the registry, help). `--version` and `--help` load nothing else.
// - verbs: what the front imports dynamically (a verb, its flags' set-up, the context, the request
//   pipeline, rendering, the IVS client), and whatever the other bundles do not own.
// - credentials: the AWS SDK's default credential chain (profiles, SSO, STS, IMDS...), used only where
//   the environment holds no keys.
// - local: the emulator and what runs or drives it (`local *`, the background emulator).
// - tools: the verb families that are not API calls (watch, completion, events, publish, subscribe, demo) and
//   JMESPath for --query.
// Each of ivsrt's own modules, and each module of the front, lives in exactly one bundle, so there is one
// instance of it (an `instanceof` or a module-level map holds across bundles). An import of a module another bundle owns becomes a link:
// `require('./boot.cjs').linked(bundle, id)`, which loads that bundle and evaluates the module there.
// Each bundle exports `modules`, a map from the id (path from the repository root) of each module
// other bundles link to, to a function that evaluates it and returns its exports.
const CLI = {
  ...common,
  format: 'cjs',
  // Prefer packages' ES module builds: esbuild can tree-shake them and skips the CommonJS interop
  // wrappers that copy every export of the SDK's packages at start-up.
  mainFields: ['module', 'main'],
  // Functions restored from a V8 code cache lose Node 20's dynamic-import hook, so import() of
  // built-ins inside the bundle becomes require() (the Ink app loads through its own Script).
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  // src/boot/boot.ts reads the bundles as latin1, which is only right for ASCII.
  charset: 'ascii',
  // Each bundle is written as the function CommonJS would wrap it in (Module.wrap's), so boot.ts compiles the
  // file's text as it is read, rather than a copy joined to the wrapper (a second copy of the whole bundle).
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '\n})' },
  // The Ink app has its own bundle. Native modules load from node_modules, and only when used:
  // node-datachannel when a WHIP offer arrives or `publish` runs, lmdb when an emulator has a data dir.
  // The EventBridge and SQS clients serve only `events tail` against AWS, so they load from node_modules
  // too. bowser parses browsers' user agents for the SDK's browser build; Node never calls it.
  external: ['ink', 'react', 'react/*', './watch.mjs', 'node-datachannel', 'lmdb', '@aws-sdk/client-eventbridge', '@aws-sdk/client-sqs', 'bowser'],
  // esbuild warns that import.meta is empty in CJS; nothing in these bundles relies on it.
  logOverride: { 'empty-import-meta': 'silent' },
  metafile: true,
};
const FRONT = 'cli';
/**
 * The owner of each module outside the front: the first bundle whose pattern matches its id (a path from
 * the repository root). A bundle with its own packages bundles every package module it uses that no rule
 * assigns, tree-shaken to what it needs (a module another bundle links to is kept whole); the others link
 * to verbs' (so `watch` sends the IVS client's own command classes).
 */
const OWNERS = [
  { bundle: 'credentials', owns: /^node_modules\/@aws-sdk\/(credential-provider[^/]*|credential-providers|nested-clients|token-providers)\//, ownPackages: true },
  { bundle: 'local', owns: /^(src\/emulator|src\/local|commands\/local)\//, ownPackages: true },
  { bundle: 'tools', owns: /^((src|commands)\/(watch|completion|events|publish|subscribe|demo)\/|src\/cli\/completion\/|node_modules\/jmespath\/)/ },
  { bundle: 'verbs', owns: /./, ownPackages: true },
];
const BUNDLES = [FRONT, ...OWNERS.map((o) => o.bundle)];
/**
 * Modules imported statically where only a call needs them: the link exports stand-ins for these
 * functions that load the owner's bundle when called. The IVS client's runtime config imports the
 * SDK's default credential chain, but calls it only when no credentials are given, and the CLI always
 * gives some (src/cli/context.ts).
 */
const CALLED_LATER = { '@aws-sdk/credential-provider-node': ['defaultProvider'] };

const moduleId = (path) => relative(process.cwd(), path).split(sep).join('/');

/** Links every import of a module that `self` does not own to the bundle that does, recording what each bundle must export. */
function linker(self, ownerOf, exportsOf) {
  return {
    name: 'link-bundles',
    setup(build) {
      build.onResolve({ filter: /^\.\/boot\.cjs$/, namespace: 'link' }, () => ({ path: './boot.cjs', external: true }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || args.pluginData === 'linking' || args.namespace !== 'file') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'linking' });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file') return undefined;
        const id = moduleId(resolved.path);
        const owner = ownerOf(id, self);
        if (owner === self) return { path: resolved.path, sideEffects: resolved.sideEffects };
        exportsOf.get(owner).add(id);
        // The path names the link for esbuild's messages; it ends in no extension, so no `.mjs` makes it an ES module.
        return { path: `${id} in dist/${owner}.cjs`, namespace: 'link', pluginData: { owner, id, calledLater: CALLED_LATER[args.path] } };
      });
      build.onLoad({ filter: /.*/, namespace: 'link' }, ({ pluginData: { owner, id, calledLater } }) => {
        const target = `require('./boot.cjs').linked(${JSON.stringify(owner)}, ${JSON.stringify(id)})`;
        const contents = calledLater ? calledLater.map((name) => `exports.${name} = (...args) => ${target}.${name}(...args);`).join('\n') : `module.exports = ${target};`;
        return { contents, loader: 'js' };
      });
    },
  };
}

/** A bundle's entry: the modules it exports to the others (and, for the front, `main`). */
function entryOf(bundle, exported) {
  const lines = [...exported].sort().map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(`./${id}`)}),`);
  const main = bundle === FRONT ? "export { main } from './src/cli/root.ts';\n" : '';
  return { contents: `${main}export const modules = {\n${lines.join('\n')}\n};\n`, resolveDir: process.cwd(), sourcefile: `${bundle}-entry.js`, loader: 'js' };
}

/**
 * esbuild wraps each module that is evaluated on first use as `__esm({"<path>"() {...}})` (CommonJS ones
 * as `__commonJS({"<path>"(exports, module) {...}})`): a literal with one method, whose key names the
 * function in stack traces. Every distinct key adds a transition to V8's shared map for one-property
 * literals, and that gets slow with hundreds of them (about 5 million instructions for the verbs bundle's
 * ~500, all made as the bundle is evaluated). A literal with a null prototype is a dictionary with no map
 * of its own, and the helpers read only its one own property.
 */
function withDictionaryWrappers(text, path) {
  const wrapped = text.replace(/\b(__esm|__commonJS)\(\{"/g, '$1({__proto__:null,"');
  const missed = /\b(__esm|__commonJS)\((?!\{__proto__:null,")/.exec(wrapped);
  if (missed) throw new Error(`${path}: a module wrapper of a form the build does not know: ${wrapped.slice(missed.index, missed.index + 80)}`);
  return wrapped;
}

async function linkedBundles() {
  // The front: what src/cli/root.ts imports statically, followed through every static import.
  const front = await build({ ...CLI, entryPoints: ['src/cli/root.ts'], outfile: 'dist/cli.cjs', plugins: [lazyChildProcessForCommander, { name: 'front', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined)) }] });
  const inFront = new Set(Object.keys(front.metafile.inputs));
  // The credential chain and the emulator share no package state with the rest (the chain hands back
  // plain keys; the emulator checks signatures with its own signer), so they bundle their own packages.
  const ownsPackages = new Set(OWNERS.filter((o) => o.ownPackages).map((o) => o.bundle));
  const ownerOf = (id, self) => {
    if (inFront.has(id)) return FRONT;
    const owner = OWNERS.find((o) => o.owns.test(id)).bundle;
    return owner === 'verbs' && id.startsWith('node_modules/') && ownsPackages.has(self) ? self : owner;
  };
  // What each bundle must export grows as the others are built; repeat until a round adds nothing.
  const exportsOf = new Map(BUNDLES.map((b) => [b, new Set()]));
  const count = () => [...exportsOf.values()].reduce((n, s) => n + s.size, 0);
  for (;;) {
    const before = count();
    const outputs = [];
    for (const bundle of BUNDLES) {
      const result = await build({ ...CLI, stdin: entryOf(bundle, exportsOf.get(bundle)), outfile: `dist/${bundle}.cjs`, plugins: [lazyChildProcessForCommander, ivsClientWithoutIndex, linker(bundle, ownerOf, exportsOf)] });
      outputs.push(...result.outputFiles);
    }
    if (count() === before) {
      // The front last: a process that starts meanwhile finds the bundles its front links to.
      for (const file of outputs.reverse()) writeAtomically(file.path, withDictionaryWrappers(file.text, file.path));
      return;
    }
  }
}

await bundle({ entryPoints: ['src/boot/boot.ts'], format: 'cjs', outfile: 'dist/boot.cjs' });
// `ivsrt --version` alone is answered by bin/ivsrt.js from this file, before any bundle loads.
await bundle({ entryPoints: ['src/cli/print-version.ts'], format: 'cjs', outfile: 'dist/version.cjs', minifySyntax: true });
await linkedBundles();
if (existsSync('src/watch/ui/main.tsx')) {
  await bundle({ entryPoints: ['src/watch/ui/main.tsx'], format: 'esm', outfile: 'dist/watch.mjs', packages: 'external', jsx: 'automatic' });
}
// `ivsrt/emulator`: dependencies stay imports from node_modules, so the SDK client it hands out is the
// user's own SDK class, and the lazily loaded storage engine is never bundled.
await bundle({ entryPoints: ['src/fixture/index.ts'], format: 'esm', outfile: 'dist/emulator.mjs', packages: 'external' });
declarations('src/fixture/api.ts', 'dist/types');
// The page of `ivsrt open`, served by the emulator from dist/open/ (src/emulator/http/open/serve.ts).
for (const name of readdirSync('src/emulator/http/open/page')) writeAtomically(`dist/open/${name}`, readFileSync(`src/emulator/http/open/page/${name}`));
// Its composition tile's player: hls.js's light build, with its licence (Apache-2.0) beside it.
const hlsVersion = JSON.parse(readFileSync('node_modules/hls.js/package.json', 'utf8')).version;
writeAtomically('dist/open/hls.js', `/*! hls.js ${hlsVersion} (light) | Apache-2.0 | https://github.com/video-dev/hls.js | licence: hls.js.LICENSE */\n${readFileSync('node_modules/hls.js/dist/hls.light.min.js', 'utf8')}`);
writeAtomically('dist/open/hls.js.LICENSE', readFileSync('node_modules/hls.js/LICENSE'));
