import { defineVerb } from '../../src/cli/command.js';
import { statusLocal } from '../../src/local/background.js';
import { describeMedia, type WhipPublisherStatus } from '../../src/local/admin-client.js';

export const verb = defineVerb({
  description:
    'Shows whether the background local emulator is running, and if so its URL, process, data directory, version, clock and how much it holds, ' +
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
      {
        header: 'WHIP PUBLISHERS',
        field: 'whipPublishers',
        value: (row) => ((row.whipPublishers as WhipPublisherStatus[] | undefined) ?? []).map(describeMedia).join('; ') || 'none',
      },
    ],
  },
  async run(ctx) {
    const local = await statusLocal({ env: ctx.env });
    if (!local.running || !local.status) return { running: false };
    const { status } = local;
    return {
      running: true,
      url: local.url,
      pid: local.pid,
      dataDir: local.dataDir,
      logFile: local.logFile,
      version: status.version,
      region: status.region,
      accountId: status.accountId,
      startedAt: status.startedAt,
      clock: status.clock,
      counts: status.counts,
      whipPublishers: status.whipPublishers ?? [],
    };
  },
});
