// The entry of the V8 start-up snapshot that bench/snapshot.mjs builds (`node --build-snapshot`): it
// evaluates the CLI's front bundle (and with IVSRT_SNAPSHOT_VERBS=1 the verbs bundle, which holds the
// SDK) while the snapshot is built, so a process started from the snapshot begins with them in its heap
// and only runs main(). A snapshot builder may require only Node's own modules, so the bundles are read
// and evaluated here the way dist/boot.cjs would; bundles not in the snapshot still load through boot.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { startupSnapshot } = require('node:v8');

const dist = process.env.IVSRT_DIST;
const modules = new Map();
function load(file) {
  if (modules.has(file)) return modules.get(file).exports;
  const module = { exports: {} };
  modules.set(file, module);
  // The CLI's bundles are function expressions, the CommonJS wrapper included (scripts/build.mjs); boot.cjs is plain CommonJS.
  const text = readFileSync(file, 'latin1');
  const evaluate = text.startsWith('(function') ? new Function(`return ${text}`)() : new Function('exports', 'require', 'module', '__filename', '__dirname', text);
  evaluate(module.exports, (id) => (id.startsWith('./') ? load(join(dirname(file), id)) : require(id)), module, file, dirname(file));
  return module.exports;
}
const { main } = load(join(dist, 'cli.cjs'));
if (process.env.IVSRT_SNAPSHOT_VERBS === '1') load(join(dist, 'boot.cjs')).loadBundle(join(dist, 'verbs.cjs'), 'verbs');

startupSnapshot.setDeserializeMainFunction(() => {
  // As bin/ivsrt.js does: the SDK's Node-version notice stays off the user's stderr.
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (String(warning).includes('NodeVersionSupportWarning')) return;
    if (process.env.IVSRT_SHOW_WARNINGS) emit.call(process, warning, ...rest);
  };
  // `node --snapshot-blob blob -- <args>`: argv[1] onward are ivsrt's arguments.
  main(process.argv.slice(1)).then((code) => {
    process.exitCode = code;
  });
});
