// DNS rebinding: a web page on evil.example can make its own name resolve to 127.0.0.1 and then reach
// the emulator from the browser as a same-origin request, headers and all. What gives it away is the
// Host header, which still says evil.example. So every request (API, admin and WHIP routes alike) must
// be addressed to a loopback name, the address the emulator listens on, or a name allowed with
// --allow-host (containers reached by a service name). A request without a Host header is refused too.
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../state/errors.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The name in a Host header, without its port, brackets, trailing dot or case: `[::1]:4566` → `::1`. */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  const name = value.startsWith('[') ? value.slice(1, value.indexOf(']') < 0 ? undefined : value.indexOf(']')) : value.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * An --allow-host value: a name or an address (`ivsrt`, `10.0.0.5`), `*.example.com` for every name
 * below a domain, or `*` for any name (the check off: behind a proxy that checks Host itself).
 */
function allowedHostRule(value: string): (name: string) => boolean {
  const bare = value.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  // An IPv6 address has colons of its own: only a bracketed one can carry a port.
  const rule = isIP(bare) === 6 ? bare : hostName(bare);
  if (rule === '*') return () => true;
  if (rule.startsWith('*.')) return (name) => name.endsWith(rule.slice(1));
  return (name) => name === rule;
}

/** Host headers remembered as answered; a client sends the same one on every request. */
const ACCEPTED_KEPT = 64;

export class HostCheck {
  private readonly rules: ((name: string) => boolean)[];
  /** Header values already found acceptable (the verdict depends on the value alone), so most requests skip the parse. */
  private readonly accepted = new Set<string>();

  constructor(listenHost: string, allowed: readonly string[] = []) {
    this.rules = [allowedHostRule(listenHost), ...allowed.map(allowedHostRule)];
  }

  /** Throws the refusal for a request whose Host header this emulator does not answer. */
  check(header: string | undefined): void {
    if (header !== undefined && this.accepted.has(header)) return;
    this.decide(header);
    // Only accepted values are kept, and only so many: refused or varied names cannot grow it.
    if (this.accepted.size >= ACCEPTED_KEPT) this.accepted.clear();
    this.accepted.add(header!);
  }

  private decide(header: string | undefined): void {
    if (header === undefined || header.trim() === '') {
      throw new ApiError('BadRequestException', 'the request has no Host header; the emulator answers requests addressed to localhost, 127.0.0.1 or [::1] (or a name allowed with --allow-host)', 400);
    }
    const name = hostName(header);
    if (isLoopbackName(name) || this.rules.some((allows) => allows(name))) return;
    throw new ApiError(
      'AccessDeniedException',
      `the request is addressed to "${header.slice(0, 100)}", which is not a name of this emulator (DNS rebinding?); it answers localhost, 127.0.0.1 and [::1]. Start it with --allow-host ${name.slice(0, 100)} to answer that name too`,
      403,
    );
  }
}
