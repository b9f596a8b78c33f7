// Shared by the token/session/participant and replication/tag end-to-end tests: the API as the AWS CLI
// would print it (to compare --json with), and a simulated client joining a stage through the
// emulator's admin route.
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { SDK_COMMANDS } from '../../src/api/operations.js';
import { toPlain } from '../../src/cli/output/format.js';
import { adminHeaders } from './emulator.js';

export type Api = (operation: keyof typeof SDK_COMMANDS, input: Record<string, unknown>) => Promise<Record<string, any>>;

/** Calls the emulator with the real SDK and returns the output as `aws ivs-realtime` prints it. */
export function apiClient(url: string): Api {
  const client = new IVSRealTimeClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test' }, maxAttempts: 1 });
  return async (operation, input) => {
    const Command = SDK_COMMANDS[operation] as unknown as new (input: unknown) => Parameters<IVSRealTimeClient['send']>[0];
    const { $metadata: _metadata, ...output } = (await client.send(new Command(input))) as unknown as Record<string, unknown>;
    return toPlain(output) as Record<string, any>;
  };
}

export interface Joined {
  participant: { participantId: string; [key: string]: unknown };
  stageArn: string;
  sessionId: string;
}

/** A client joining with a participant token (POST /_ivsrt/join), publishing if asked. */
export async function joinWith(url: string, token: string, publish: boolean): Promise<Joined> {
  const res = await fetch(`${url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(url), body: JSON.stringify({ token, publish }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`join failed (${res.status}): ${text}`);
  return JSON.parse(text) as Joined;
}
