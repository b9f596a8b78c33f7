// Public keys for self-signed participant tokens (behaviour reference §1).
import { conflict, quotaExceeded } from '../../state/errors.js';
import { newResourceId } from '../../domain/ids.js';
import { paginate } from '../pagination.js';
import type { PublicKeyRec } from '../../state/store.js';
import { publicKeySummary, publicKeyView } from '../../domain/views.js';
import { tagsOf, type Handler, type Handlers } from './common.js';
import { fingerprint, parseP384 } from '../../domain/public-keys.js';

const importPublicKey: Handler<'ImportPublicKey'> = (emu, input) => {
  const key = parseP384(input.publicKeyMaterial);
  const print = fingerprint(key);
  for (const existing of emu.store.keys.values()) {
    if (existing.fingerprint === print) throw conflict(`this key material is already imported as ${existing.arn}`);
  }
  if (emu.store.keys.size >= emu.quotas.publicKeys) throw quotaExceeded(`the account already has ${emu.quotas.publicKeys} public keys`);
  const id = newResourceId();
  const rec: PublicKeyRec = {
    arn: emu.arn('public-key', id),
    id,
    name: input.name ?? '',
    publicKeyMaterial: input.publicKeyMaterial,
    fingerprint: print,
    tags: tagsOf(input),
  };
  emu.mutate([{ k: 'key', v: rec }]);
  return { publicKey: publicKeyView(rec) };
};

const getPublicKey: Handler<'GetPublicKey'> = (emu, input) => ({ publicKey: publicKeyView(emu.publicKey(input.arn)) });

const deletePublicKey: Handler<'DeletePublicKey'> = (emu, input) => {
  const rec = emu.publicKey(input.arn);
  emu.mutate([{ k: 'delete', kind: 'key', arn: rec.arn }]);
  return {};
};

const listPublicKeys: Handler<'ListPublicKeys'> = (emu, input) => {
  const page = paginate('ListPublicKeys', [...emu.store.keys.values()], input, 50);
  return { publicKeys: page.items.map(publicKeySummary), nextToken: page.nextToken };
};

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const PUBLIC_KEYS_HANDLERS = {
  DeletePublicKey: deletePublicKey,
  GetPublicKey: getPublicKey,
  ImportPublicKey: importPublicKey,
  ListPublicKeys: listPublicKeys,
} satisfies Handlers;
