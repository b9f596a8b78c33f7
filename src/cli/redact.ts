// Secrets must never reach a log: participant tokens, stream keys, private keys, signatures and the
// emulator's admin secret.
import { ADMIN_SECRET_HEADER } from '../emulator/http/admin-secret.js';

const SECRET_KEYS = new Set(['token', 'streamkey', 'privatekey', 'secretaccesskey', 'sessiontoken', 'newtoken', 'previoustoken']);
const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token', 'x-amz-content-sha256', ADMIN_SECRET_HEADER]);

export const REDACTED = '***';

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    if (name.toLowerCase() === 'authorization') {
      // Keep the credential scope (which key, which region) but not the signature.
      out[name] = text.replace(/Signature=[0-9a-f]+/i, `Signature=${REDACTED}`);
    } else {
      out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : text;
    }
  }
  return out;
}

/** Redacts secret members anywhere in a JSON text; text that is not JSON is scrubbed of JWT-looking strings. */
export function redactBody(body: string): string {
  if (!body) return body;
  try {
    return JSON.stringify(JSON.parse(body), (key, value) => (SECRET_KEYS.has(key.toLowerCase()) && typeof value === 'string' ? REDACTED : value));
  } catch {
    return body.replace(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED).replace(/rt_[0-9]+_[a-z0-9-]+_[A-Za-z0-9-]+_\S+/g, REDACTED);
  }
}
