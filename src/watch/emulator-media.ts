// The media source of a watch whose endpoint is an ivsrt emulator: its admin route, with the instance's
// admin secret found as for every local verb (src/local/admin-client.ts). Kept apart from media.ts so
// that the watch UI's bundle, which polls, does not take the admin client in.
import type { Target } from '../cli/config.js';
import { plainAdmin, type AdminFactory } from '../local/admin-client.js';
import type { MediaSource } from './media.js';

const PROBE_TIMEOUT_MS = 3000;

/**
 * Undefined on AWS (no request is made), and where the endpoint does not answer the route as an ivsrt
 * emulator: one request at the start tells, so a foreign endpoint is not asked again at every poll.
 */
export async function emulatorMedia(target: Target, adminAt: AdminFactory = plainAdmin()): Promise<MediaSource | undefined> {
  if (!target.endpoint) return undefined;
  const admin = await adminAt(target.endpoint);
  // An emulator on this machine answers at once; a remote endpoint that keeps silent must not hold up the watch.
  if (!(await admin.media(AbortSignal.timeout(PROBE_TIMEOUT_MS)).then(() => true, () => false))) return undefined;
  return async (signal) => (await admin.media(signal)).whipPublishers ?? [];
}
