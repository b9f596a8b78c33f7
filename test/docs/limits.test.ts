// The limits the docs state are the emulator's: the history it keeps (README, Development; docs/fidelity.md,
// Resources) and the service quotas it enforces (docs/fidelity.md). A bound changed in the code, or a figure
// changed in the text, fails here until the two agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS } from '../../src/emulator/domain/quotas.js';
import { DEFAULT_RETENTION } from '../../src/emulator/domain/retention.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8').replace(/\s+/g, ' ');
const number = (text: string) => Number(text.replace(/,/g, ''));

function retentionIn(text: string, where: string) {
  const m = /([\d,]+) ended sessions per stage, ([\d,]+) departed participants per session,? (?:and )?([\d,]+) events per participant/.exec(text);
  expect(m, `${where} states the history bounds`).not.toBeNull();
  return { endedSessionsPerStage: number(m![1]!), departedParticipantsPerSession: number(m![2]!), eventsPerParticipant: number(m![3]!) };
}

describe('limits stated in the docs', () => {
  it("the history kept (README, docs/fidelity.md) is the emulator's default retention", () => {
    expect(retentionIn(read('README.md'), 'README.md')).toEqual(DEFAULT_RETENTION);
    expect(retentionIn(read('docs/fidelity.md'), 'docs/fidelity.md')).toEqual(DEFAULT_RETENTION);
  });

  it("the resource quotas of docs/fidelity.md are the ones the emulator enforces", () => {
    const row = /\| Resource quotas: ([^|]+)\|/.exec(read('docs/fidelity.md'))?.[1];
    expect(row, 'docs/fidelity.md has the resource quotas row').toBeDefined();
    const stated = Object.fromEntries([...row!.matchAll(/([\d,]+) ([a-z ]+?)(?=,|$| $)/g)].map(([, n, what]) => [what!.trim(), number(n!)]));
    expect(stated).toMatchObject({
      stages: DEFAULT_QUOTAS.stages,
      'publishers per stage': DEFAULT_QUOTAS.publishersPerStage,
      'encoder configurations': DEFAULT_QUOTAS.encoderConfigurations,
      'storage configurations': DEFAULT_QUOTAS.storageConfigurations,
      'ingest configurations': DEFAULT_QUOTAS.ingestConfigurations,
      'public keys': DEFAULT_QUOTAS.publicKeys,
      compositions: DEFAULT_QUOTAS.compositionsPerAccount,
      'per stage': DEFAULT_QUOTAS.compositionsPerStage,
      'replications per participant': DEFAULT_QUOTAS.replicationsPerParticipant,
    });
    expect(read('docs/fidelity.md')).toContain(`| Subscribers per stage | ${DEFAULT_QUOTAS.subscribersPerStage.toLocaleString('en-US')}, then`);
  });
});
