// `ivsrt __complete <words...>`: main.ts hands the words over before commander sees them (they are a
// half-typed command line, not arguments to parse). Whatever goes wrong, the shell gets no candidates
// and no error text: a completion must never write into the user's command line.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Registry } from '../command.js';
import { resolveTarget, type GlobalOptions } from '../config.js';
import { createContext } from '../context.js';
import type { IO } from '../io.js';
import { statusLocal } from '../../local/background.js';
import { ivsrtHome } from '../../local/paths.js';
import { complete, formatResult, type Connection, type Lookup } from './engine.js';
import { createApiLookup, type Endpoint } from './lookup.js';
import { buildTree } from './tree.js';

export interface CompleteOptions {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  /** The scripts send it to /dev/null; run by hand, `ivsrt __complete ...` says why it found nothing. */
  stderr: NodeJS.WritableStream;
}

export function completionCacheDir(env: NodeJS.ProcessEnv): string {
  return join(ivsrtHome(env), 'cache', 'completion');
}

export async function runComplete(registry: Registry, words: string[], options: CompleteOptions): Promise<number> {
  try {
    const tree = await buildTree(registry);
    // IVSRT_COMPLETION_BUDGET_MS: how long a lookup may keep the shell waiting (default 1.5 s); tests on
    // a loaded machine raise it, since what they check is the answer, not its speed.
    const budgetMs = Number(options.env.IVSRT_COMPLETION_BUDGET_MS) || undefined;
    const api = createApiLookup({ connect: (connection) => connect(connection, options), cacheDir: completionCacheDir(options.env), budgetMs });
    const lookup: Lookup = {
      list: (kind, scope) =>
        api.list(kind, scope).catch((error: unknown) => {
          report(options, error);
          throw error;
        }),
    };
    options.stdout.write(formatResult(await complete(words, tree, lookup)));
  } catch (error) {
    // Nothing on stdout: the scripts then offer nothing.
    report(options, error);
  }
  return 0;
}

async function connect(connection: Connection, options: CompleteOptions): Promise<Endpoint> {
  const { env } = options;
  const globals: GlobalOptions = { ...connection };
  // Completion never starts the background emulator, it only uses one that is running.
  const probing = createContext({ io: silentIO(), env, maxAttempts: 1, globals });
  const target = await resolveTarget(globals, env, async () => {
    const { url } = await statusLocal({ env, admin: (url) => probing.adminAt(url) });
    if (!url) throw new Error('the local emulator is not running');
    return url;
  });
  // One attempt: a retry would not fit in the time budget anyway.
  const ctx = createContext({ io: silentIO(), env, maxAttempts: 1, globals: target.kind === 'local' ? { ...globals, local: true } : globals });
  return {
    key: [target.kind, target.region, target.endpoint ?? '', target.profile ?? ''].join('|'),
    send: (operation, input, signal) => ctx.send(operation, input, { abortSignal: signal }),
  };
}

function report(options: CompleteOptions, error: unknown): void {
  options.stderr.write(`ivsrt __complete: ${error instanceof Error ? error.message : String(error)}\n`);
}

function silentIO(): IO {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  return { stdout: sink, stderr: sink, stdin: process.stdin, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, columns: 80, color: false, colorErr: false };
}
