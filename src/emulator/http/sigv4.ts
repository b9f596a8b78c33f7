// Request authentication. Every API request must carry an AWS SigV4 Authorization header, as the real
// endpoint demands. When the emulator is given credentials, it checks what the service checks, in the
// order and with the error types and messages AWS's API Gateway front returns (see docs/fidelity.md):
// the header's parts, the access key, the credential scope (date, region, service `ivs`), the request
// time (within 5 minutes), `host` among the signed headers, and then the signature itself, recomputed
// with the SDK's own signer over the body as received (so a swapped body fails, UNSIGNED-PAYLOAD too).
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from '../state/errors.js';
import { parseQuery } from './query.js';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

const SIGNING_SERVICE = 'ivs';
/** How far the request time may be from the server's, either way. */
const MAX_SKEW_MS = 5 * 60_000;

const SCHEME = 'AWS4-HMAC-SHA256';
/** What an Authorization header starts with. */
const SCHEME_PREFIX = `${SCHEME} `;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

// The API Gateway front answers every signature problem with 403 and one of these types.
const missingToken = () => new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
const incomplete = (message: string) => new ApiError('IncompleteSignatureException', message, 403);
const invalid = (message: string) => new ApiError('InvalidSignatureException', message, 403);
const unrecognized = () => new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** node:crypto in the shape the Smithy signer expects (a hash, or an HMAC when given a secret). */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

interface Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

/** The header's three parts, in any order; what is missing is named as AWS names it. */
function parseAuthorization(header: string): Authorization {
  const parts: Record<string, string> = Object.create(null);
  for (const item of header.slice(SCHEME.length).split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) parts[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  const problems = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !parts[name])
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (problems.length > 0) throw incomplete(`${problems.join(' ')} Authorization=${header.slice(0, 200)}`);
  const scope = parts.Credential!.split('/');
  if (scope.length !== 5) throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parts.Credential!.slice(0, 200)}'`);
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator, signedHeaders: parts.SignedHeaders!.toLowerCase().split(';'), signature: parts.Signature! };
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const compact = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

interface AuthenticatorOptions {
  /** The emulator's region: the only one a credential scope may name. */
  region: string;
  /** The server's clock for the 5-minute window (wall time; injectable for tests). */
  now?: () => number;
}

export class Authenticator {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly region: string;
  private readonly now: () => number;

  constructor(credentials: Credential[] | undefined, options: AuthenticatorOptions) {
    this.region = options.region;
    this.now = options.now ?? Date.now;
    for (const c of credentials ?? []) {
      this.signers.set(c.accessKeyId, new SignatureV4({ credentials: c, region: this.region, service: SIGNING_SERVICE, sha256: NodeSha256, applyChecksum: false }));
    }
  }

  /** Whether only the configured credentials are accepted (the emulator has --credentials). */
  get required(): boolean {
    return this.signers.size > 0;
  }

  /** Throws the service's 403 unless the request is signed (and, with credentials, signed correctly and in time). */
  async check(req: IncomingMessage, path: string, query: string, body: Buffer): Promise<void> {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith(SCHEME_PREFIX)) throw missingToken();
    if (!this.required) return;
    const auth = parseAuthorization(header);
    const signer = this.signers.get(auth.accessKeyId);
    if (!signer) throw unrecognized();

    const amzDate = typeof req.headers['x-amz-date'] === 'string' ? req.headers['x-amz-date'] : undefined;
    if (amzDate === undefined) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate.slice(0, 40)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    if (auth.date !== amzDate.slice(0, 8)) {
      throw invalid(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date.slice(0, 40)}' != '${amzDate.slice(0, 8)}', from 'x-amz-date'.`);
    }
    if (auth.region !== this.region) throw invalid(`Credential should be scoped to a valid region, not '${auth.region.slice(0, 40)}'. `);
    if (auth.service !== SIGNING_SERVICE) throw invalid(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `);
    if (auth.terminator !== 'aws4_request') throw invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator.slice(0, 40)}'. `);

    const now = this.now();
    const skew = signingDate.getTime() - now;
    if (skew < -MAX_SKEW_MS) throw invalid(`Signature expired: ${amzDate} is now earlier than ${compact(now - MAX_SKEW_MS)} (${compact(now)} - 5 min.)`);
    if (skew > MAX_SKEW_MS) throw invalid(`Signature not yet current: ${amzDate} is still later than ${compact(now + MAX_SKEW_MS)} (${compact(now)} + 5 min.)`);

    if (!auth.signedHeaders.includes('host')) throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    const headers: Record<string, string> = Object.create(null);
    for (const name of auth.signedHeaders) {
      const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
      if (value === undefined) throw invalid(`${MISMATCH} (signed header ${name.slice(0, 60)} is not in the request)`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    // The service hashes the body it received; a declared hash (or UNSIGNED-PAYLOAD) that differs
    // from it means the client signed a different payload.
    const declaredHash = headers['x-amz-content-sha256'] ?? req.headers['x-amz-content-sha256'];
    if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(body).digest('hex')) {
      throw invalid(`${MISMATCH} (the body's SHA-256 differs from x-amz-content-sha256 '${String(declaredHash).slice(0, 64)}'; the payload must be signed)`);
    }
    let parsedQuery: Record<string, string | string[]>;
    try {
      parsedQuery = parseQuery(query);
    } catch {
      throw invalid(`${MISMATCH} (the query string is not valid URL encoding)`);
    }
    const expected = await signer.sign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? 'localhost', path, query: parsedQuery, headers: { ...headers }, body },
      { signingDate, signingRegion: auth.region, signingService: auth.service, signableHeaders: new Set(auth.signedHeaders) },
    );
    const got = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))![1]!;
    if (got.length !== auth.signature.length || !timingSafeEqual(Buffer.from(got), Buffer.from(auth.signature))) throw invalid(MISMATCH);
  }
}
