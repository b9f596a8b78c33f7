import { defineVerb } from '../../src/cli/command.js';
import { statusLocal } from '../../src/local/background.js';
import type { AdminStatus } from '../../src/emulator/http/admin-contract.js';
import { emulatorOf, namesEmulator } from './shared.js';

export const verb = defineVerb({
  summary: 'Show whether the background local emulator runs, where, and what it holds',
  order: 30,
  description:
    'Shows whether the background local emulator (or the one --endpoint-url names) is running, and if so its URL, process, data directory, version, clock and how much it holds, ' +
    'the events waiting for each delivery target (a target that cannot keep up shows as behind), ' +
    'and for each participant publishing real media over WHIP the codecs, resolution, frame rate and bitrate the emulator measures.',
  examples: [
    { command: 'ivsrt local status' },
    { command: 'ivsrt local status --query url', description: 'just the endpoint, for --endpoint-url elsewhere' },
  ],
  output: {
    columns: [
      { header: 'RUNNING', field: 'running', format: 'bool' },
      { header: 'URL', field: 'url' },
      { header: 'PID', field: 'pid' },
      { header: 'DATA DIR', field: 'dataDir' },
      { header: 'STAGES', field: 'counts.stages' },
      { header: 'CONNECTED', field: 'counts.connectedParticipants' },
      // One object prints as a tree in this order (render.ts), the nested ones last as sections of their own.
      { header: 'EVENTS', field: 'events' },
      { header: 'WHIP PUBLISHERS', field: 'whipPublishers' },
    ],
  },
  async run(ctx) {
    // --endpoint-url (or the environment's endpoint) names the emulator to describe (one started with
    // `ivsrt local start`, say); this never starts one, unlike the other local verbs.
    if (namesEmulator(ctx)) return statusView(await (await emulatorOf(ctx)).admin.status());
    const local = await statusLocal({ env: ctx.env, admin: (url) => ctx.adminAt(url) });
    if (!local.running || !local.status) return { running: false };
    return { ...statusView(local.status), logFile: local.logFile };
  },
});

function statusView(status: AdminStatus): Record<string, unknown> {
  return {
    running: true,
    url: status.url,
    pid: status.pid,
    dataDir: status.dataDir,
    version: status.version,
    region: status.region,
    accountId: status.accountId,
    startedAt: status.startedAt,
    clock: status.clock,
    counts: status.counts,
    whipPublishers: status.whipPublishers ?? [],
    events: status.events,
  };
}
