import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { readFlagFile } from '../../src/cli/files.js';
import { sendOperation } from '../../src/cli/operation.js';
import { tagsOption } from '../stage/shared.js';
import { publicKeyColumns } from './shared.js';


/** Reads --file, refusing what is plainly not a PEM public key before anything is sent. */
function readKeyFile(path: string): string {
  const text = readFlagFile('--file', path);
  if (/-----BEGIN (EC |RSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
    throw new UsageError(
      `--file ${path} holds a private key, which must never leave your machine`,
      'Import its public half instead: `openssl ec -in key.pem -pubout -out key.pub.pem`, then `ivsrt public-key import --file key.pub.pem`.',
    );
  }
  if (!text.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new UsageError(`--file ${path} does not hold a PEM public key (a -----BEGIN PUBLIC KEY----- block)`);
  }
  return text;
}

export const verb = defineVerb({
  summary: 'Import a public key you made for self-signed tokens',
  order: 20,
  operation: 'ImportPublicKey',
  description:
    'Imports the public half of an ECDSA P-384 key pair you made yourself, so participant tokens signed with its private key (`ivsrt token sign`) are accepted. ' +
    'Give the PEM with --file or --material. To make a new pair in one step use `ivsrt public-key create`. An account has at most 3 public keys per region.',
  examples: [
    { command: 'ivsrt public-key import --file key.pub.pem --name web-app', description: 'after `openssl ecparam -name secp384r1 -genkey -noout -out key.pem && openssl ec -in key.pem -pubout -out key.pub.pem`' },
    { command: 'ivsrt public-key import --material "$(cat key.pub.pem)" --tags team=video --json' },
  ],
  options: [
    { flags: '--file <path>', description: 'PEM file holding the public key (-----BEGIN PUBLIC KEY-----)' },
    { flags: '--material <pem>', description: 'the public key PEM itself, instead of --file', field: 'publicKeyMaterial' },
    { flags: '--name <name>', description: 'public key name (letters, digits, - and _; up to 128)', field: 'name' },
    tagsOption,
  ],
  output: { root: 'publicKey', columns: publicKeyColumns },
  async run(ctx, options): Promise<unknown> {
    if (options.file !== undefined && options.material !== undefined) throw new UsageError('--file and --material cannot be combined: give the key one way');
    if (options.file === undefined && options.material === undefined && !(options.input as Record<string, unknown> | undefined)?.publicKeyMaterial) {
      throw new UsageError('missing the key: pass --file <path> or --material <pem>');
    }
    const material = options.file !== undefined ? readKeyFile(options.file) : options.material;
    return sendOperation(ctx, verb, { ...options, material });
  },
});
