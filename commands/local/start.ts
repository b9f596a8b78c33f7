import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { takeOverInterrupt } from '../../src/cli/signals.js';

interface Options {
  host?: string;
  port?: number;
  dataDir?: string;
  clockSpeed?: number;
  credentials?: string[];
  region?: string;
  background?: boolean;
}

export const verb = defineVerb<Options>({
  description:
    'Runs the local IVS real-time emulator in the foreground until Ctrl-C or SIGTERM. It prints a line with its endpoint URL once ready. Any AWS SDK or the AWS CLI can use it with --endpoint-url. With --data-dir every acknowledged change is journalled to disk and survives a crash; without it, state lives in memory. Requests must be SigV4-signed; with --credentials only those keys are accepted and signatures are verified.',
  examples: [
    { command: 'ivsrt local start', description: 'on port 4566' },
    { command: 'ivsrt local start --port 0 --data-dir ./ivs-data', description: 'a free port, durable state' },
    { command: 'ivsrt local start --credentials AKIDLOCAL:secret --clock-speed 60', description: 'verified signatures, timers 60× faster' },
  ],
  options: [
    { flags: '--host <address>', description: 'address to listen on', defaultValue: '127.0.0.1' },
    { flags: '--port <port>', description: 'port to listen on (0 picks a free one)', parse: 'int', defaultValue: 4566 },
    { flags: '--data-dir <dir>', description: 'keep state in this directory (write-ahead journal, fsync before each reply)' },
    { flags: '--clock-speed <factor>', description: 'run timers (composition start, idle stop, purge) this many times faster', parse: 'float' },
    { flags: '--credentials <key:secret>', description: 'accept only these credentials and verify signatures (repeatable)', parse: 'list' },
    { flags: '--region <region>', description: 'region written into ARNs (default us-east-1)' },
  ],
  async run(ctx, options) {
    if (options.port !== undefined && (options.port < 0 || options.port > 65535)) throw new UsageError(`--port must be from 0 to 65535, got ${options.port}`);
    if (options.clockSpeed !== undefined && !(options.clockSpeed > 0)) throw new UsageError('--clock-speed must be a positive number');
    const credentials = options.credentials?.map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0 || colon === pair.length - 1) throw new UsageError(`--credentials must be ACCESS_KEY_ID:SECRET, got "${pair.replace(/:.*/, ':***')}"`);
      return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
    });
    const { runForeground } = await import('../../src/local/foreground.js');
    takeOverInterrupt();
    await runForeground(
      // register: with no background emulator recorded, this one serves --local and `ivsrt local status`.
      { host: options.host, port: options.port, dataDir: options.dataDir, clockSpeed: options.clockSpeed, credentials, region: options.region ?? ctx.globals.region, env: ctx.env, register: true },
      { out: (line) => ctx.io.stdout.write(`${line}\n`), err: (line) => ctx.io.stderr.write(`${line}\n`) },
    );
    return undefined;
  },
});
