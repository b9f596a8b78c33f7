// Participant tokens. Emulator-issued tokens mirror what CreateParticipantToken returns (behaviour
// reference §2): header {"alg":"KMS","typ":"JWT"}, version "0.0", a DER ECDSA P-384 signature made with
// a key that only the emulator holds (persisted in the data dir so tokens outlive restarts). Self-signed
// tokens (§1) are ES384 JWTs whose `kid` names an imported public key.
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClaims } from '../../tokens/claims.js';
import { base64url, decodeJwt, JwtFormatError, verifyEs384 } from '../../tokens/jwt.js';
import { DataDirError } from '../state/storage/errors.js';
import { CAN_PUBLISH, CAN_SUBSCRIBE, type Attributes } from '../state/store.js';

const SIGNING_KEY_FILE = 'signing-key.pem';
const JTI = /^[A-Za-z0-9_-]{1,64}$/;

type TokenProblem = 'malformed' | 'bad-signature' | 'unknown-key' | 'expired' | 'invalid-claims' | 'revoked';

/** The code a refusal names for a token problem: TOKEN_EXPIRED, TOKEN_BAD_SIGNATURE... */
export const tokenErrorCode = (reason: TokenProblem): string => `TOKEN_${reason.toUpperCase().replace('-', '_')}`;

export class TokenError extends Error {
  constructor(
    readonly reason: TokenProblem,
    message: string,
  ) {
    super(message);
  }
}

interface IssueRequest {
  participantId: string;
  stageArn: string;
  stageId: string;
  eventsUrl: string;
  whipUrl: string;
  durationMinutes: number;
  userId?: string;
  attributes?: Attributes;
  capabilities: number;
  nowMs: number;
}

/** What a verified token lets its bearer do. */
export interface TokenGrant {
  participantId: string;
  stageArn: string;
  topic: string;
  eventsUrl: string;
  whipUrl: string;
  userId?: string;
  attributes?: Attributes;
  capabilities: number;
  selfSigned: boolean;
  /** Epoch milliseconds of `exp`. */
  expiresAt: number;
}

export class TokenAuthority {
  private readonly publicKeys = new Map<string, KeyObject>();

  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {}

  /** Loads the emulator's signing key from `dataDir`, creating it (mode 0600) on first use. */
  static load(dataDir: string | undefined): TokenAuthority {
    const path = dataDir ? join(dataDir, SIGNING_KEY_FILE) : undefined;
    let privateKey: KeyObject;
    if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (path && existsSync(path)) {
      try {
        privateKey = createPrivateKey(readFileSync(path, 'utf8'));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const problem = code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `is damaged: it is not a PEM private key (${(error as Error).message})`;
        throw new DataDirError(
          `the token signing key ${path} ${problem}`,
          `Restore it from a backup, or move it away to make a new one (tokens issued with the old key then no longer verify).`,
        );
      }
    } else {
      privateKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
      if (path) writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    return new TokenAuthority(privateKey, createPublicKey(privateKey));
  }

  issue(req: IssueRequest): string {
    const iat = Math.floor(req.nowMs / 1000);
    const payload: Record<string, unknown> = {
      exp: iat + req.durationMinutes * 60,
      iat,
      jti: req.participantId,
      resource: req.stageArn,
      topic: req.stageId,
      events_url: req.eventsUrl,
      whip_url: req.whipUrl,
    };
    if (req.userId !== undefined) payload.user_id = req.userId;
    if (req.attributes !== undefined) payload.attributes = req.attributes;
    const capabilities: Record<string, boolean> = {};
    if (req.capabilities & CAN_PUBLISH) capabilities.allow_publish = true;
    if (req.capabilities & CAN_SUBSCRIBE) capabilities.allow_subscribe = true;
    payload.capabilities = capabilities;
    payload.version = '0.0';
    const signingInput = `${base64url(JSON.stringify({ alg: 'KMS', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
    const signature = createSign('SHA384').update(signingInput).sign(this.privateKey);
    return `${signingInput}.${base64url(signature)}`;
  }

  /**
   * Checks signature, expiry and claim shapes. `findKey` resolves a self-signed token's `kid` to the PEM
   * of an imported public key that still exists. Stage-level checks (exists, revoked) are the caller's.
   */
  verify(token: string, findKey: (arn: string) => string | undefined, nowMs: number): TokenGrant {
    let decoded;
    try {
      decoded = decodeJwt(token);
    } catch (error) {
      throw new TokenError('malformed', error instanceof JwtFormatError ? error.message : 'not a JWT');
    }
    const { header, payload } = decoded;
    let selfSigned: boolean;
    if (header.alg === 'KMS') {
      selfSigned = false;
      let valid = false;
      try {
        valid = createVerify('SHA384').update(decoded.signingInput).verify(this.publicKey, decoded.signature);
      } catch {
        valid = false;
      }
      if (!valid) throw new TokenError('bad-signature', 'the token signature does not verify (not issued by this emulator?)');
    } else if (header.alg === 'ES384') {
      selfSigned = true;
      if (typeof header.kid !== 'string') throw new TokenError('unknown-key', 'a self-signed token needs a "kid" header naming an imported public key ARN');
      const pem = findKey(header.kid);
      if (!pem) throw new TokenError('unknown-key', `no imported public key ${header.kid} (never imported, or deleted)`);
      if (!verifyEs384(decoded, this.keyObject(pem))) throw new TokenError('bad-signature', `the token signature does not verify with public key ${header.kid}`);
    } else {
      throw new TokenError('malformed', `unsupported token algorithm "${header.alg}" (expected ES384)`);
    }
    const { exp, jti, resource, topic, events_url, whip_url, user_id, attributes, capabilities, version } = payload;
    if (selfSigned) {
      // Someone else built this claim set: every documented rule, the same ones `ivsrt token sign` and
      // `token decode` apply.
      const problems = checkClaims(payload);
      if (problems.length) throw new TokenError('invalid-claims', `the token's claims break the rules for self-signed tokens: ${problems.join('; ')}`);
    } else {
      // Our own tokens (version "0.0", as the service's): only their shape needs checking.
      const claim = (name: string, ok: boolean): void => {
        if (!ok) throw new TokenError('invalid-claims', `the token's "${name}" claim is missing or invalid`);
      };
      claim('exp', Number.isInteger(exp));
      claim('jti', typeof jti === 'string' && JTI.test(jti));
      claim('resource', typeof resource === 'string');
      claim('topic', typeof topic === 'string');
      claim('events_url', typeof events_url === 'string');
      claim('whip_url', typeof whip_url === 'string');
      claim('user_id', user_id === undefined || (typeof user_id === 'string' && [...user_id].length <= 128));
      claim('attributes', attributes === undefined || isStringMap(attributes));
      claim('capabilities', isCapabilities(capabilities));
      claim('version', version === '0.0');
    }
    if ((exp as number) * 1000 <= nowMs) {
      throw new TokenError('expired', `the token expired at ${new Date((exp as number) * 1000).toISOString()}`);
    }
    const caps = capabilities as Record<string, unknown>;
    return {
      participantId: jti as string,
      stageArn: resource as string,
      topic: topic as string,
      eventsUrl: events_url as string,
      whipUrl: whip_url as string,
      userId: user_id as string | undefined,
      attributes: attributes as Attributes | undefined,
      capabilities: (caps.allow_publish === true ? CAN_PUBLISH : 0) | (caps.allow_subscribe === true ? CAN_SUBSCRIBE : 0),
      selfSigned,
      expiresAt: (exp as number) * 1000,
    };
  }

  private keyObject(pem: string): KeyObject {
    let key = this.publicKeys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      this.publicKeys.set(pem, key);
    }
    return key;
  }
}

function isStringMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function isCapabilities(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => (k === 'allow_publish' || k === 'allow_subscribe') && typeof v === 'boolean')
  );
}
