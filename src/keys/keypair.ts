// Key pairs for self-signed participant tokens. The private key never leaves this machine: it is written
// once, owner-readable only (0600), and never printed; only the public half goes to ImportPublicKey.
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { open, link, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { assertP384PrivateKey } from '../tokens/sign.js';

export interface KeyPairPem {
  privateKeyPem: string;
  /** SPKI "BEGIN PUBLIC KEY", the form ImportPublicKey accepts. */
  publicKeyPem: string;
}

export class KeyFileError extends Error {}

/** P-384, the curve of the IVS guide's OpenSSL recipe and of ES384. */
export function generateKeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export function publicKeyPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
}

/** A key written beside its destination, waiting for the import to succeed. */
export interface StagedKeyFile {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes `pem` to a temporary sibling of `path` (created exclusively, mode 0600) so that a failed
 * ImportPublicKey leaves no useless key behind and never replaces a good one. Refuses up front, before any
 * API call, when `path` exists and `force` is not set; commit() re-checks atomically (link fails on EEXIST).
 */
export async function stagePrivateKey(path: string, pem: string, options: { force?: boolean } = {}): Promise<StagedKeyFile> {
  if (!options.force && (await exists(path))) throw existsError(path);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return {
    async commit() {
      if (options.force) {
        await rename(temp, path);
        return;
      }
      try {
        await link(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(path);
        throw err;
      }
      await unlink(temp);
    },
    async discard() {
      await unlink(temp).catch(() => undefined);
    },
  };
}

/** Loads a PEM private key for signing; refuses anything but P-384 and names the file, never its content. */
export async function readPrivateKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    const handle = await open(path, 'r');
    try {
      pem = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new KeyFileError(`cannot read the private key ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new KeyFileError(`${path} is not a PEM private key`);
  }
  try {
    assertP384PrivateKey(key);
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`);
  }
  return key;
}

/** True when group or others may read the key file (POSIX only), worth a warning like ssh gives. */
export async function isKeyFileExposed(path: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  return ((await stat(path)).mode & 0o077) !== 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function existsError(path: string): KeyFileError {
  return new KeyFileError(`${path} already exists; choose another --out, or pass --force to replace it`);
}
