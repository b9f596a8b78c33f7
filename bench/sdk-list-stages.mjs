// A bare AWS SDK v3 script making the same request as `ivsrt stage list --json` (ListStagesCommand with
// @aws-sdk/client-ivs-realtime from node_modules, credentials and region from the environment through the
// SDK's default chain) and printing the reply: what a developer would write by hand with the SDK.
// bench/cli.mjs times it beside ivsrt.
// Usage: node bench/sdk-list-stages.mjs <endpoint-url>
import { IVSRealTimeClient, ListStagesCommand } from '@aws-sdk/client-ivs-realtime';

const client = new IVSRealTimeClient({ endpoint: process.argv[2] });
const { $metadata, ...output } = await client.send(new ListStagesCommand({}));
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
