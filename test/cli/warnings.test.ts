// The AWS SDK's "Node >= 22" notice never reaches a user or the test output: not from ivsrt's own
// processes (bin/ivsrt.js drops it, also under --debug), and not from test files that use the SDK
// in-process (vitest.config.ts disables it for the workers).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { refusingEndpoint } from '../helpers/fake-endpoint.js';

describe("the AWS SDK's Node version notice", () => {
  it('is not printed by an in-process SDK client in a test worker', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const endpoint = await refusingEndpoint();
    try {
      const { IVSRealTimeClient, ListStagesCommand } = await import('@aws-sdk/client-ivs-realtime');
      const client = new IVSRealTimeClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
      await client.send(new ListStagesCommand({})).catch(() => undefined);
      expect(endpoint.requests.length).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await endpoint.close();
    }
  });

  it('is not printed by the bin, also with --debug (which shows other warnings)', async () => {
    const endpoint = await refusingEndpoint();
    try {
      const r = await runCli(['stage', 'list', '--debug'], { endpoint: endpoint.url, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' } });
      expect(r.stderr).toContain('[debug]');
      expect(r.stderr).not.toContain('NodeVersionSupportWarning');
    } finally {
      await endpoint.close();
    }
  });
});
