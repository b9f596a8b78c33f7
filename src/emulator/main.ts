// Stand-alone entry of the emulator (bundled to dist/emulator.js): the same flags as `ivsrt local start`.
import { parseArgs } from 'node:util';
import { runForeground } from '../local/foreground.js';
import type { Credential } from './sigv4.js';

const USAGE = `usage: emulator [--host H] [--port N] [--data-dir DIR] [--clock-speed X] [--region R] [--account-id A]
                [--credentials ACCESS_KEY_ID:SECRET ...] [--register]`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'clock-speed': { type: 'string' },
        region: { type: 'string' },
        'account-id': { type: 'string' },
        credentials: { type: 'string', multiple: true },
        register: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const credentials: Credential[] | undefined = values.credentials?.map((pair) => {
    const colon = pair.indexOf(':');
    return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
  });
  if (credentials?.some((c) => !c.accessKeyId || !c.secretAccessKey)) {
    process.stderr.write(`--credentials takes ACCESS_KEY_ID:SECRET\n${USAGE}\n`);
    return 2;
  }
  await runForeground(
    {
      host: values.host,
      port: values.port === undefined ? undefined : Number(values.port),
      dataDir: values['data-dir'],
      clockSpeed: values['clock-speed'] === undefined ? undefined : Number(values['clock-speed']),
      region: values.region,
      accountId: values['account-id'],
      credentials,
      register: values.register,
    },
    { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
