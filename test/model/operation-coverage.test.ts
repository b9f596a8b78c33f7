// Adding an operation is a generator run plus one verb file and one handler: this test names whatever
// is missing when the SDK grows an operation (or one of ours is forgotten).
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { SDK_COMMANDS } from '../../src/api/operations.js';
import { HANDLERS } from '../../src/emulator/http/handlers/index.js';
import { OPERATION_NAMES, OPERATIONS } from '../../src/model/api.js';

/** Every operation the SDK client can send, from its command classes. */
const sdkOperations = Object.keys(sdk)
  .filter((name) => /^[A-Z]\w*Command$/.test(name))
  .map((name) => name.replace(/Command$/, ''))
  .sort();

describe('every SDK operation is covered end to end', () => {
  it('the SDK has the operations of the model: the 39 of 2020-07-14, and any it adds (a new one is a generator run away)', () => {
    expect(sdkOperations.length).toBeGreaterThanOrEqual(39);
    expect(sdkOperations).toEqual([...OPERATION_NAMES].sort());
  });

  it('each has a model entry (scripts/gen-model.mjs)', () => {
    expect(sdkOperations.filter((op) => !OPERATIONS[op])).toEqual([]);
  });

  it('each has an SDK command-map entry (src/api/operations.ts)', () => {
    expect(sdkOperations.filter((op) => !Object.hasOwn(SDK_COMMANDS, op))).toEqual([]);
  });

  it('each has an emulator handler (src/emulator/http/handlers/index.ts)', () => {
    expect(sdkOperations.filter((op) => typeof HANDLERS[op] !== 'function')).toEqual([]);
  });

  it('each has a verb that sends it (commands/)', async () => {
    const sent = new Set<string>();
    for (const entry of COMMANDS) {
      const { verb } = await entry.load();
      if (verb.operation) sent.add(verb.operation);
    }
    expect(sdkOperations.filter((op) => !sent.has(op))).toEqual([]);
  });
});
