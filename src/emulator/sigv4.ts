// Request authentication. Every API request must carry an AWS SigV4 Authorization header, as the real
// endpoint demands. When the emulator is given credentials, the signature is recomputed with the
// matching secret (using the SDK's own signer) and compared, so a wrong secret fails as it would on AWS.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { accessDenied } from './errors.js';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

const SCHEME = 'AWS4-HMAC-SHA256 ';
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

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

function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query) return out;
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export class Authenticator {
  private readonly signers = new Map<string, SignatureV4>();

  constructor(credentials: Credential[] | undefined) {
    for (const c of credentials ?? []) {
      this.signers.set(
        c.accessKeyId,
        new SignatureV4({ credentials: c, region: 'us-east-1', service: 'ivs', sha256: NodeSha256, applyChecksum: false }),
      );
    }
  }

  /** Whether only the configured credentials are accepted (the emulator has --credentials). */
  get required(): boolean {
    return this.signers.size > 0;
  }

  /** Throws AccessDeniedException unless the request is signed (and, with credentials, signed correctly). */
  async check(req: IncomingMessage, path: string, query: string, body: Buffer): Promise<void> {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith(SCHEME)) {
      throw accessDenied('Missing Authentication Token: requests must be signed with AWS Signature Version 4');
    }
    if (this.signers.size === 0) return;
    const m = AUTHORIZATION.exec(header);
    if (!m) throw accessDenied('the Authorization header is not a well-formed AWS4-HMAC-SHA256 signature');
    const [, accessKeyId, , region, service, signedHeaderList, signature] = m as unknown as string[];
    const signer = this.signers.get(accessKeyId!);
    if (!signer) throw accessDenied(`The security token included in the request is invalid: unknown access key ${accessKeyId}`);
    const amzDate = AMZ_DATE.exec(String(req.headers['x-amz-date'] ?? ''));
    if (!amzDate) throw accessDenied('the request has no valid X-Amz-Date header');
    const signingDate = new Date(Date.UTC(+amzDate[1]!, +amzDate[2]! - 1, +amzDate[3]!, +amzDate[4]!, +amzDate[5]!, +amzDate[6]!));
    const signed = signedHeaderList!.split(';');
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = req.headers[name];
      if (value === undefined) throw accessDenied(`signed header ${name} is missing from the request`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const declaredHash = headers['x-amz-content-sha256'];
    if (declaredHash && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== createHash('sha256').update(body).digest('hex')) {
      throw accessDenied('The provided x-amz-content-sha256 header does not match what was computed');
    }
    let parsedQuery: Record<string, string | string[]>;
    try {
      parsedQuery = parseQuery(query);
    } catch {
      throw accessDenied('the query string is not valid URL encoding');
    }
    const expected = await signer.sign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host ?? 'localhost', path, query: parsedQuery, headers, body },
      { signingDate, signingRegion: region, signingService: service, signableHeaders: new Set(signed) },
    );
    const got = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))![1]!;
    if (!timingSafeEqual(Buffer.from(got), Buffer.from(signature!))) {
      throw accessDenied(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
  }
}
