// Public keys for self-signed participant tokens (behaviour reference §1): what a key must be, and how
// the service names it.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { validationError } from '../state/errors.js';

/** The key as a P-384 public key object, or a ValidationException saying what it is instead. */
export function parseP384(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw validationError('1 validation error detected: publicKeyMaterial is not a readable PEM public key');
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'secp384r1') {
    throw validationError(`1 validation error detected: publicKeyMaterial must be an ECDSA P-384 (secp384r1) key, not ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''}`);
  }
  return key;
}

/** 16 colon-separated hex pairs like the service's; the real digest is unknown, MD5 of the DER is ours. */
export function fingerprint(key: KeyObject): string {
  const digest = createHash('md5').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  return digest.match(/../g)!.join(':');
}
