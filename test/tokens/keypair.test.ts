import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { generateKeyPair, stagePrivateKey, readPrivateKey, publicKeyPemOf, isKeyFileExposed, KeyFileError } from '../../src/keys/keypair.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateKeyPair', () => {
  it('makes a P-384 pair in the PEM forms ImportPublicKey and signing expect', () => {
    const pair = generateKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(createPublicKey(pair.publicKeyPem).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });
});

describe('stagePrivateKey', () => {
  const posix = process.platform !== 'win32';

  it('writes the key with mode 0600 only on commit', async () => {
    const path = join(dir, 'key.pem');
    const pair = generateKeyPair();
    const staged = await stagePrivateKey(path, pair.privateKeyPem);
    await expect(stat(path)).rejects.toThrow();
    await staged.commit();
    expect(await readFile(path, 'utf8')).toBe(pair.privateKeyPem);
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['key.pem']);
    const key = await readPrivateKey(path);
    expect(publicKeyPemOf(key)).toBe(pair.publicKeyPem);
  });

  it('leaves nothing behind when discarded', async () => {
    const staged = await stagePrivateKey(join(dir, 'key.pem'), generateKeyPair().privateKeyPem);
    await staged.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to replace an existing file, up front and at commit', async () => {
    const path = join(dir, 'key.pem');
    await writeFile(path, 'old');
    await expect(stagePrivateKey(path, 'new')).rejects.toThrow(/already exists.*--force/);
    await rm(path);
    const staged = await stagePrivateKey(path, 'new');
    await writeFile(path, 'raced');
    await expect(staged.commit()).rejects.toThrow(KeyFileError);
    expect(await readFile(path, 'utf8')).toBe('raced');
    expect(await readdir(dir)).toEqual(['key.pem']);
  });

  it('replaces an existing file with force, and the result is 0600 even if the old one was not', async () => {
    const path = join(dir, 'key.pem');
    await writeFile(path, 'old', { mode: 0o644 });
    const staged = await stagePrivateKey(path, 'new', { force: true });
    expect(await readFile(path, 'utf8')).toBe('old');
    await staged.commit();
    expect(await readFile(path, 'utf8')).toBe('new');
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('readPrivateKey', () => {
  it('names the file but never its content when it is not a usable key', async () => {
    const path = join(dir, 'bad.pem');
    await writeFile(path, 'SECRET-MATERIAL');
    const err = await readPrivateKey(path).catch((e: Error) => e);
    expect(err).toBeInstanceOf(KeyFileError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('SECRET');
  });

  it('refuses a P-256 key and a missing file', async () => {
    const path = join(dir, 'p256.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(readPrivateKey(path)).rejects.toThrow(/P-384/);
    await expect(readPrivateKey(join(dir, 'none.pem'))).rejects.toThrow(/ENOENT/);
  });

  it.skipIf(process.platform === 'win32')('tells when group or others can read the key', async () => {
    const path = join(dir, 'k.pem');
    await writeFile(path, 'x', { mode: 0o600 });
    expect(await isKeyFileExposed(path)).toBe(false);
    await chmod(path, 0o640);
    expect(await isKeyFileExposed(path)).toBe(true);
  });
});
