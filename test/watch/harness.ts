// An in-process emulator reached over HTTP by the real SDK client, plus helpers to wait for what a
// watcher reports.
import { CreateStageCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { startEmulator, type RunningEmulator } from '../../src/emulator/assemble.js';
import { AdminClient } from '../../src/local/admin-client.js';
import type { Change } from '../../src/watch/model.js';
import type { Poller } from '../../src/watch/poller.js';
import { RateLimiter } from '../../src/watch/rate-limiter.js';
import { whenSettled } from '../helpers/wait.js';

export interface Harness {
  emulator: RunningEmulator;
  client: IVSRealTimeClient;
  admin: AdminClient;
  createStage(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The emulator's clock runs at real speed; tests move compositions along with admin.advanceClock(). */
export async function startHarness(): Promise<Harness> {
  const emulator = await startEmulator({ port: 0 });
  const client = new IVSRealTimeClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    emulator,
    client,
    admin: new AdminClient(emulator.url),
    async createStage(name) {
      const { stage } = await client.send(new CreateStageCommand({ name }));
      return stage!.arn!;
    },
    async close() {
      client.destroy();
      await emulator.close();
    },
  };
}

/** Generous limits: these tests check what is seen, not pacing (rate-limiter.test.ts does that). */
export const fastLimiter = () => new RateLimiter({ defaultTps: 500 });

/** Records a poller's changes and resolves waits when a matching change arrives. */
export class ChangeLog {
  readonly changes: Change[] = [];
  private waiters: Array<{ match: (c: Change) => boolean; resolve: (c: Change) => void }> = [];

  constructor(poller: Poller) {
    poller.on('change', (change) => {
      this.changes.push(change);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(change)) return true;
        w.resolve(change);
        return false;
      });
    });
  }

  /** The first change from now on that matches. */
  next(match: (c: Change) => boolean): Promise<Change> {
    const arrived = new Promise<Change>((resolve) => this.waiters.push({ match, resolve }));
    return whenSettled('a matching change from the poller', arrived, () => `changes:\n${this.summary()}`);
  }

  summary(): string {
    return this.changes.map((c) => `${c.type} ${c.kind} ${JSON.stringify(c.object).slice(0, 120)}`).join('\n');
  }
}

export const participantChange = (type: Change['type'], userId: string, check: (p: Record<string, unknown>) => boolean = () => true) =>
  (c: Change) => c.kind === 'participant' && c.type === type && c.object.userId === userId && check(c.object as Record<string, unknown>);
