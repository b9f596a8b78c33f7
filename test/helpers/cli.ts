// Runs the real bin/ivsrt.js as a user would, with an isolated home and AWS configuration. Each run is
// a spawnChild: one still running when its test ends (it timed out, say) is killed with it.
import { fileURLToPath } from 'node:url';
import { spawnChild } from './children.js';
import { whenSettled } from './wait.js';

export const BIN = fileURLToPath(new URL('../../bin/ivsrt.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = any>(): T;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** The directory the command runs in (default: the test's). */
  cwd?: string;
  /** Emulator URL to target with --endpoint-url. */
  endpoint?: string;
  /** When it aborts, the command gets `interruptWith` (SIGINT, as from Ctrl-C, unless told otherwise). */
  interrupt?: AbortSignal;
  interruptWith?: NodeJS.Signals;
  /** A prefix that runs the command as someone else (test/helpers/nobody.ts AS_NOBODY). */
  runAs?: string[];
}

/** Dummy credentials and a clean AWS environment, so the developer's own ~/.aws never leaks into a test. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('IVSRT_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/ivsrt-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/ivsrt-test-credentials',
    AWS_MAX_ATTEMPTS: '1',
    // Completion answers within 1.5 s or offers nothing; tests check the answer, on a machine that may be slow.
    IVSRT_COMPLETION_BUDGET_MS: '20000',
    ...extra,
  };
}

export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const fullArgs = options.endpoint ? [...args, '--endpoint-url', options.endpoint] : args;
  const [program, ...leading] = [...(options.runAs ?? []), process.execPath];
  const child = spawnChild(program!, [...leading, BIN, ...fullArgs], { env: testEnv(options.env), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // A command that never reads its input may exit before the write lands (EPIPE): not the test's concern.
  child.stdin!.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin!.end(options.input ?? '');
  options.interrupt?.addEventListener('abort', () => child.kill(options.interruptWith ?? 'SIGINT'), { once: true });
  // No limit of its own: a command still running when its test ends is killed with it (spawnChild), and
  // the test's failure shows what it had printed.
  const closed = new Promise<RunResult>((resolve) => {
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
  });
  return whenSettled(`ivsrt ${fullArgs.join(' ')} to end`, closed, () => `stdout: ${stdout}\nstderr: ${stderr}`);
}
