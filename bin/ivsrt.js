#!/usr/bin/env node
// Kept tiny on purpose: start-up time is a feature. `--version` alone is answered from dist/version.cjs
// (src/cli/print-version.ts) before anything else loads. Every other command line loads the CLI's front
// bundle through a V8 code cache (compiled once per version, then reused; the other bundles load through
// it as a command needs them, see scripts/build.mjs), and keeps Node and SDK warnings off the user's stderr.
// CommonJS (bin/package.json), so Node never starts its ES module loader for a command line.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.exitCode = require('../dist/version.cjs').printVersion();
} else {
  const { loadBundle } = require('../dist/boot.cjs');
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    // The AWS SDK's notice about future Node versions is not about anything ivsrt's user can act on.
    if (String(warning).includes('NodeVersionSupportWarning')) return;
    if (process.argv.includes('--debug') || process.env.IVSRT_SHOW_WARNINGS) emit.call(process, warning, ...rest);
  };
  const help = args.length === 0 || args[0] === 'help' || args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-v');
  const { main } = loadBundle(require.resolve('../dist/cli.cjs'), help ? 'help' : 'command');
  main(args).then((code) => {
    process.exitCode = code;
  });
}
