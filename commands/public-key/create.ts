import { defineVerb } from '../../src/cli/command.js';
import { UsageError } from '../../src/cli/errors.js';
import { checkOutputFile } from '../../src/cli/files.js';
import { buildRequest, checkRequest } from '../../src/cli/request.js';
import { generateKeyPair, KeyFileError, stagePrivateKey } from '../../src/keys/keypair.js';


export const verb = defineVerb({
  summary: 'Make a key pair, keep the private key in a file, import the public key',
  order: 10,
  operation: 'ImportPublicKey',
  description:
    'Makes a P-384 key pair for self-signed participant tokens: writes the private key to --out (mode 0600, never printed), ' +
    'imports the public key with ImportPublicKey and prints the public key resource. Use the two with `ivsrt token sign`. ' +
    'The key file appears only once the import succeeded; an existing file is kept unless you pass --force. ' +
    'An account has at most 3 public keys per region; delete a leaked key with `ivsrt public-key delete`.',
  examples: [
    { command: 'ivsrt public-key create --name my-key --out my-key.pem' },
    { command: 'ivsrt public-key create --name my-key --out my-key.pem --force --tags team=video', description: 'replace an old key file' },
  ],
  options: [
    { flags: '--name <name>', description: 'public key name (letters, digits, - and _; up to 128)', field: 'name' },
    { flags: '--out <file>', description: 'where to write the private key (PEM)' },
    { flags: '--force', description: 'replace --out if it exists' },
    { flags: '--tags <key=value,...>', description: 'tags to attach (repeatable)', field: 'tags', parse: 'keyValues' },
  ],
  output: {
    root: 'publicKey',
    columns: [
      { header: 'NAME', field: 'name' },
      { header: 'ARN', field: 'arn' },
      { header: 'FINGERPRINT', field: 'fingerprint' },
    ],
  },
  async run(ctx, options) {
    if (!options.out) throw new UsageError('missing --out <file> (where to write the private key)');
    checkOutputFile('--out', options.out);
    const pair = generateKeyPair();
    // Whatever --input says about the key material, the key is the one made here.
    const request = { ...buildRequest(verb, options as Record<string, unknown>), publicKeyMaterial: pair.publicKeyPem };
    checkRequest(verb, request, undefined, { typed: options as Record<string, unknown> });

    let staged;
    try {
      staged = await stagePrivateKey(options.out, pair.privateKeyPem, { force: options.force });
    } catch (error) {
      if (error instanceof KeyFileError) throw new UsageError(error.message);
      throw error;
    }
    let response: Record<string, unknown>;
    try {
      response = await ctx.send('ImportPublicKey', request);
    } catch (error) {
      await staged.discard();
      throw error;
    }
    const arn = (response.publicKey as { arn?: string } | undefined)?.arn;
    try {
      await staged.commit();
    } catch (error) {
      throw new UsageError(
        `the public key ${arn} was imported, but the private key could not be written to ${options.out}: ${(error as Error).message}`,
        `It cannot sign anything now: delete it with \`ivsrt public-key delete ${arn}\` and try again.`,
      );
    }
    ctx.info(`Private key written to ${options.out} (mode 0600). Keep it secret; anyone with it can let participants join your stages.`);
    return response;
  },
});
