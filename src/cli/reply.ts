// A 200 is only a success if it carries what the operation returns. An empty or truncated body would
// otherwise print nothing and exit 0, and a wrong shape would fail somewhere far from its cause.
import { OPERATIONS, SHAPES } from '../model/api.js';
import { CliError, EXIT } from './errors.js';

const EXPECTED_TYPE: Record<string, (value: unknown) => boolean> = {
  list: Array.isArray,
  map: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  structure: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number',
  float: (v) => typeof v === 'number',
  timestamp: (v) => v instanceof Date || typeof v === 'string' || typeof v === 'number',
};

/** Throws (exit 255, naming the HTTP status) when a successful reply lacks the operation's result. */
export function checkReply(operation: string, reply: Record<string, unknown>, status: number | undefined): void {
  const shape = SHAPES[OPERATIONS[operation]?.output ?? ''];
  if (!shape || shape.type !== 'structure') return;
  // Members carried in headers (CORS headers of the replication calls) may well be absent.
  const members = Object.keys(shape.members).filter((m) => !shape.members[m]!.location);
  const fail = (what: string) => new CliError(`the service answered HTTP ${status ?? '200'} to ${operation} ${what}`, EXIT.other, 'Check the endpoint (--debug shows each request and reply).');
  if (members.length > 0 && !members.some((m) => reply[m] !== undefined)) throw fail(`without a result (an empty reply; expected ${members.join(', ')})`);
  const missing = (shape.required ?? []).filter((m) => reply[m] === undefined);
  if (missing.length) throw fail(`without ${missing.join(', ')}`);
  for (const [name, member] of Object.entries(shape.members)) {
    const type = SHAPES[member.shape]?.type;
    if (reply[name] !== undefined && type && !EXPECTED_TYPE[type]!(reply[name])) throw fail(`with ${name} that is not a ${type}`);
  }
}
