// The per-instance secret that guards the /_ivsrt/ routes. A web page can reach a loopback port, but
// it cannot read the secret (it lives in a 0600 state file or in this process) and it cannot send a
// custom header cross-origin without a CORS preflight, which the admin routes never answer.
// Kept apart from admin.ts so that the CLI's admin client can use it without loading the emulator.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const ADMIN_SECRET_HEADER = 'x-ivsrt-admin-secret';

export function newAdminSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function secretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Emulators running in this very process (tests, the fixture API, `ivsrt demo`): their secrets need no
// file, since the process that started them is trusted with them.
const inProcess = new Map<string, string>();

export function rememberInProcess(url: string, secret: string): void {
  inProcess.set(url, secret);
}

export function forgetInProcess(url: string): void {
  inProcess.delete(url);
}

export function inProcessSecret(url: string): string | undefined {
  return inProcess.get(url.replace(/\/+$/, ''));
}
