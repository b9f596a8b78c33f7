// public-key import/get/list/delete end to end: the real bin against a spawned emulator. The delete
// test also shows the consequence its warning names: a token signed with the key stops working.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/scratch.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';

const bed = emulatorBed();
const { cli, api, refusedLocally } = bed;

let dir: string;

import { arnId as idOf } from '../../src/model/arn.js';
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

interface KeyFiles {
  privatePath: string;
  publicPath: string;
  publicPem: string;
}

function makeKey(name: string, curve = 'secp384r1'): KeyFiles {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
  writeFileSync(publicPath, publicPem);
  return { privatePath, publicPath, publicPem };
}

async function joinWithToken(token: string): Promise<number> {
  const res = await fetch(`${bed.emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ token }) });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  dir = scratchDir('public-keys');
});

describe('public-key', () => {
  it('import --file and --material, get by name and id, list: --json is the API response', async () => {
    const web = makeKey('web');
    const mobile = makeKey('mobile');
    const imported = await cli(['public-key', 'import', '--file', web.publicPath, '--name', 'web', '--tags', 'app=web', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const key = imported.json().publicKey;
    expect(key).toMatchObject({ name: 'web', publicKeyMaterial: web.publicPem, tags: { app: 'web' } });
    expect(key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(imported.json()).toEqual(await api('GetPublicKey', { arn: key.arn }));

    const second = await cli(['public-key', 'import', '--material', mobile.publicPem, '--name', 'mobile', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().publicKey.publicKeyMaterial).toBe(mobile.publicPem);

    const [byName, byId, listed, tsv, table] = await Promise.all([
      cli(['public-key', 'get', 'web', '--json']),
      cli(['public-key', 'get', idOf(key.arn), '--json']),
      cli(['public-key', 'list', '--json']),
      cli(['public-key', 'get', 'web']),
      cli(['public-key', 'list'], { IVSRT_FORCE_TTY: '120' }),
    ]);
    expect(byName.json()).toEqual({ publicKey: key });
    expect(byId.json()).toEqual({ publicKey: key });
    expect(listed.json()).toEqual(await api('ListPublicKeys', {}));
    expect(listed.json().publicKeys).toHaveLength(2);
    expect(tsv.stdout).toContain(`fingerprint\t${key.fingerprint}\n`);
    const lines = plain(table.stdout).split('\n');
    expect(lines[0]).toMatch(/^ NAME\s+ID\s+TAGS$/);
    expect(lines.find((l) => l.includes(idOf(key.arn)))).toMatch(/^ web\s+\w+\s+app=web$/);

    // Pages of one, resumed with the printed token.
    const first = await cli(['public-key', 'list', '--max-items', '1', '--json']);
    expect(first.json().publicKeys).toHaveLength(1);
    const rest = await cli(['public-key', 'list', '--starting-token', first.json().NextToken, '--json']);
    expect([...first.json().publicKeys, ...rest.json().publicKeys]).toEqual(listed.json().publicKeys);
  });

  it('refuses a private key, both or neither of --file/--material, and a missing file with 252 before any request', async () => {
    const secret = makeKey('secret');
    await refusedLocally(['public-key', 'import', '--file', secret.privatePath], 'holds a private key');
    await refusedLocally(['public-key', 'import', '--file', secret.publicPath, '--material', secret.publicPem], 'cannot be combined');
    await refusedLocally(['public-key', 'import', '--name', 'nothing'], 'pass --file <path> or --material <pem>');
    await refusedLocally(['public-key', 'import', '--file', join(dir, 'absent.pem')], 'no such file');
    await refusedLocally(['public-key', 'import', '--material', 'not a pem'], '--material must match the pattern');
    await refusedLocally(['public-key', 'list', '--max-items', 'all'], '--max-items must be a whole number');
  });

  it('the service refuses a duplicate (ConflictException) and a non-P-384 key (ValidationException); get of an unknown key is 254', async () => {
    const dup = await cli(['public-key', 'import', '--file', join(dir, 'web.pub.pem'), '--name', 'again']);
    expect(dup.code).toBe(254);
    expect(dup.stderr).toContain('ConflictException');
    const p256 = makeKey('p256', 'prime256v1');
    const wrongCurve = await cli(['public-key', 'import', '--file', p256.publicPath]);
    expect(wrongCurve.code).toBe(254);
    expect(wrongCurve.stderr).toContain('ValidationException');
    const unknown = await cli(['public-key', 'get', 'no-such-key']);
    expect(unknown.code).toBe(254);
    expect(unknown.stderr).toContain('ResourceNotFoundException');
  });

  it('delete warns and asks; once deleted, tokens signed with the key no longer join', async () => {
    const stage = (await api('CreateStage', { name: 'keyed' })).stage;
    const signer = makeKey('signer');
    const { publicKey } = await api('ImportPublicKey', { publicKeyMaterial: signer.publicPem, name: 'signer' });
    const sign = async () => {
      const r = await cli(['token', 'sign', stage.arn, '--key', signer.privatePath, '--public-key', publicKey.arn, '--query', 'participantToken.token']);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(await joinWithToken(await sign())).toBe(200);

    const unconfirmed = await cli(['public-key', 'delete', 'signer']);
    expect(unconfirmed.code).toBe(252);
    expect(unconfirmed.stderr).toContain('Tokens signed with its private key stop working');
    expect((await api('GetPublicKey', { arn: publicKey.arn })).publicKey.arn).toBe(publicKey.arn);

    const token = await sign();
    const deleted = await cli(['public-key', 'delete', 'signer', '--yes']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('');
    expect(await joinWithToken(token)).not.toBe(200);
    const gone = await cli(['public-key', 'get', publicKey.arn]);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('ResourceNotFoundException');
  });
});
