// The restJson1 response side: the headers the real service sends on every reply (the model binds
// them as members of StartParticipantReplication's output and of every error), JSON bodies, and errors
// as `x-amzn-ErrorType` + {exceptionMessage, message}.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../state/errors.js';

// Values as the AWS CLI's start/stop-participant-replication examples print them (those outputs are
// the only place the service's header values are shown), byte for byte, oddities included
// ("max-age:47304000", the trailing ';' in the policy).
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store, no-cache',
  'Content-Security-Policy': "default-src 'self'; upgrade-insecure-requests;",
  'Strict-Transport-Security': 'max-age:47304000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

// The service answers any origin. The emulator sends the same, but it answers no preflight, and every
// API request needs an Authorization header, which a browser sends cross-origin only after a preflight:
// so a web page can neither call the API nor read more than an "unsigned request" refusal.
const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'Access-Control-Allow-Origin,Access-Control-Expose-Headers,Cache-Control,Content-Length,Content-Security-Policy,Content-Type,date,' +
    'Strict-Transport-Security,x-amz-apigw-id,x-amzn-errormessage,x-amzn-errortype,x-amzn-requestid,x-amzn-trace-id,X-Content-Type-Options,X-Frame-Options',
};

/** Who a reply is for: the service's API (its headers, CORS included) or the emulator's own routes (no CORS at all). */
export type Surface = 'api' | 'admin';

/** A reply member that is a JSON array of items already serialised as UTF-8 bytes (list pages, views.ts's cached JSON). */
export class JsonItems {
  constructor(readonly items: readonly Buffer[]) {}

  toJSON(): unknown[] {
    return this.items.map((item) => JSON.parse(item.toString('utf8')) as unknown);
  }
}

const COMMA = Buffer.from(',');

/** A body's JSON text around its item lists: texts[0], lists[0], texts[1], ... texts[lists.length]. */
interface PageParts {
  texts: string[];
  lists: (readonly Buffer[])[];
}

interface MadePage extends PageParts {
  bytes: Buffer;
}

/** How many bytes of made pages are kept, in all (then they are dropped and made again as asked for). */
const PAGE_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * List pages already made, by the bytes of their first item. A page is a function of its texts and of its
 * items' bytes, and an item's bytes are made once per record (views.ts) and a changed record gets new ones:
 * so a page whose texts and items are the very same objects is the same page, and a changed, added or
 * removed item misses. The bytes handed out are never written to again, so a reply still being written
 * to a socket cannot see them change.
 */
class MadePages {
  private readonly byFirstItem = new Map<Buffer, MadePage>();
  private bytes = 0;

  bytesOf(parts: PageParts): Buffer {
    const first = parts.lists.find((list) => list.length > 0)?.[0];
    if (first === undefined) return makePage(parts);
    const made = this.byFirstItem.get(first);
    if (made && sameParts(made, parts)) return made.bytes;
    const bytes = makePage(parts);
    if (made) this.bytes -= made.bytes.length;
    if (this.bytes + bytes.length > PAGE_CACHE_BYTES) {
      this.byFirstItem.clear();
      this.bytes = 0;
    }
    this.byFirstItem.set(first, { ...parts, bytes });
    this.bytes += bytes.length;
    return bytes;
  }
}

function makePage({ texts, lists }: PageParts): Buffer {
  const parts: Buffer[] = [Buffer.from(texts[0]!)];
  lists.forEach((items, i) => {
    items.forEach((item, j) => (j ? parts.push(COMMA, item) : parts.push(item)));
    parts.push(Buffer.from(texts[i + 1]!));
  });
  return Buffer.concat(parts);
}

function sameParts(a: PageParts, b: PageParts): boolean {
  if (a.texts.length !== b.texts.length || a.texts.some((text, i) => text !== b.texts[i])) return false;
  return a.lists.every((items, i) => {
    const other = b.lists[i]!;
    if (items.length !== other.length) return false;
    for (let j = 0; j < items.length; j++) if (items[j] !== other[j]) return false;
    return true;
  });
}

// Module state, shared by every emulator in the process (the `ivsrt/emulator` fixture runs several), and
// harmless so: an entry is found only by the identity of an item's bytes, which belong to one emulator's
// record, and holds what those very bytes make; another emulator's pages, even of byte-identical stages,
// are other Buffers and miss. What they share is the budget: one emulator's pages may push out another's,
// which costs a page's making again, never a wrong page (test/fixture/api.test.ts "two emulators ...").
const madePages = new MadePages();

/**
 * JSON.stringify(body)'s bytes, with JsonItems members copied in from their bytes rather than parsed
 * back: a body without any is its text, one with them is a Buffer made by one copy of each item (once:
 * the same page asked for again is the Buffer made before, see MadePages), so a list page is neither
 * joined as a string nor encoded again on its way to the socket.
 */
export function jsonBody(body: unknown): string | Buffer {
  if (typeof body !== 'object' || body === null || !Object.values(body).some((value) => value instanceof JsonItems)) return JSON.stringify(body);
  const parts: PageParts = { texts: [], lists: [] };
  let text = '{';
  let first = true;
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    if (value instanceof JsonItems) {
      parts.texts.push(`${text}[`);
      parts.lists.push(value.items);
      text = ']';
    } else text += JSON.stringify(value);
  }
  parts.texts.push(`${text}}`);
  return madePages.bytesOf(parts);
}

/** Each surface's fixed headers as writeHead's flat [name, value, ...] list, made once rather than per reply. */
const FIXED_HEADERS: Record<Surface, readonly string[]> = {
  api: Object.entries({ ...SECURITY_HEADERS, ...CORS_HEADERS }).flat(),
  admin: Object.entries(SECURITY_HEADERS).flat(),
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>, surface: Surface = 'api'): void {
  // A text body goes to the socket as it is (Node writes the header block and a string body in one
  // write, encoding the body once); a list page's bytes go as they are, beside the header block.
  const bytes = jsonBody(body);
  const headers = [...FIXED_HEADERS[surface]];
  if (extra) for (const [name, value] of Object.entries(extra)) headers.push(name, value);
  headers.push('x-amzn-RequestId', randomUUID(), 'Content-Length', String(typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length));
  res.writeHead(status, headers);
  res.end(bytes);
}

export function sendError(res: ServerResponse, error: ApiError, extra?: Record<string, string>, surface: Surface = 'api'): void {
  sendJson(res, error.status, { ...error.details, exceptionMessage: error.message, message: error.message }, { ...extra, 'x-amzn-ErrorType': error.type }, surface);
}

/**
 * The same error as raw HTTP/1.1 bytes, for replies the emulator writes on the socket itself (Node's
 * parser refused the request, so there is no response object): still JSON, still typed, then closed.
 */
export function rawErrorReply(status: number, reason: string, error: ApiError): string {
  const text = JSON.stringify({ exceptionMessage: error.message, message: error.message });
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    ...CORS_HEADERS,
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': error.type,
    Connection: 'close',
    'Content-Length': Buffer.byteLength(text),
  };
  return `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${text}`;
}
