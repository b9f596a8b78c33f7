// Each resource kind is declared once (src/model/resources.ts) and every list of kinds derives from it:
// checked kind by kind over the table, so a kind added there is proven to reach the store, storage,
// ARN lookup, the CLI's name resolution and completion, and seeds, or this fails naming it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS, REFERENCE_SHAPES } from '../../src/cli/resources.js';
import { kindOfArn } from '../../src/emulator/http/handlers/common.js';
import { arnKey, LOAD_ORDER, opForKey } from '../../src/emulator/state/storage/records.js';
import { Store, type RecordOp } from '../../src/emulator/state/store.js';
import { OPERATIONS, SHAPES } from '../../src/model/api.js';
import { ARN_KINDS, RESOURCES } from '../../src/model/resources.js';
import { importGraph, ROOT } from './graph.js';

const arnOf = (kind: (typeof ARN_KINDS)[number]) => `arn:aws:ivs:us-east-1:123456789012:${RESOURCES[kind].arnType}/AbCdEfGh1234`;

describe.each(ARN_KINDS)('resource kind %s', (kind) => {
  const declared = RESOURCES[kind];

  it('has its collection in the store, and a stored record comes back in a snapshot and from its storage key', () => {
    const store = new Store();
    const record = { arn: arnOf(kind), id: 'AbCdEfGh1234', name: 'n', tags: {} };
    store.apply({ k: kind, v: record } as RecordOp);
    expect((store as unknown as Record<string, Map<string, unknown>>)[declared.collection]!.get(record.arn)).toBe(record);
    expect([...store.snapshot()]).toContainEqual({ k: kind, v: record });
    expect(opForKey(arnKey(kind, record.arn), record)).toEqual({ k: kind, v: record });
    expect(LOAD_ORDER).toContain(kind);
    store.apply({ k: 'reset' });
    expect(store.byKind(kind).size).toBe(0);
  });

  it('is found by its ARN type, in this account and region only', () => {
    const emu = { region: 'us-east-1', accountId: '123456789012' } as Parameters<typeof kindOfArn>[0];
    expect(kindOfArn(emu, arnOf(kind))).toBe(kind);
    expect(kindOfArn(emu, arnOf(kind).replace('us-east-1', 'eu-west-1'))).toBeUndefined();
  });

  it('is listed, named and resolved by the CLI and completion as its model says', () => {
    expect(KINDS[declared.cli]).toEqual({ list: declared.list, resultKey: declared.listKey, noun: declared.noun, listCommand: `ivsrt ${declared.cli} list` });
    const output = SHAPES[OPERATIONS[declared.list]!.output]!;
    expect(output.type === 'structure' && output.members[declared.listKey]).toBeTruthy();
    for (const shape of declared.arnShapes) {
      expect(SHAPES[shape]?.type).toBe('string');
      expect(REFERENCE_SHAPES[shape]).toBe(declared.cli);
    }
  });
});

describe('the resource table', () => {
  it('names every reference shape of ours once (and ResourceArn, which takes any kind)', () => {
    expect(Object.keys(REFERENCE_SHAPES).sort()).toEqual([...ARN_KINDS.flatMap((kind) => RESOURCES[kind].arnShapes), 'ResourceArn'].sort());
  });

  it('loads nothing when the CLI imports it: its only import is a type', () => {
    const { local, packages } = importGraph();
    expect(local.get('src/model/resources.ts')).toEqual(['src/model/api.ts']);
    expect(packages.get('src/model/resources.ts') ?? []).toEqual([]);
    const imports = readFileSync(join(ROOT, 'src/model/resources.ts'), 'utf8').split('\n').filter((line) => line.startsWith('import'));
    expect(imports).toEqual(["import type { OperationName } from './api.js';"]);
  });
});
