// Cross-checks the generated constraint table against the published service model (../shared beside
// the checkout, or botocore's copy): the generator's output is the committed file, and the table says
// what the model says, independently of the generator's code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { generate, generateCommands, loadModel } from '../../scripts/gen-model.mjs';
import { ERRORS, OPERATIONS, SHAPES } from '../../src/model/api.js';

const loaded = loadModel() as { model: any; source: string } | undefined;
if (!loaded) console.warn('skipping the model cross-check: neither ../shared/reference nor botocore has the service model');

describe.skipIf(!loaded)('src/model/api.ts against the service model', () => {
  const model = loaded?.model ?? { operations: {}, shapes: {} };

  it('is exactly what scripts/gen-model.mjs generates', () => {
    expect(readFileSync(new URL('../../src/model/api.ts', import.meta.url), 'utf8')).toBe(generate(model));
  });

  it('src/api/operations.ts (the SDK command of each operation) is exactly what scripts/gen-model.mjs generates', () => {
    expect(readFileSync(new URL('../../src/api/operations.ts', import.meta.url), 'utf8')).toBe(generateCommands(model));
  });

  it('has every operation of the model (39 in 2020-07-14, more as the SDK gains them) with their HTTP bindings, shapes and errors', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(Object.keys(model.operations).sort());
    expect(Object.keys(OPERATIONS).length).toBeGreaterThanOrEqual(39);
    for (const [name, op] of Object.entries<any>(model.operations)) {
      expect(OPERATIONS[name], name).toEqual({
        method: op.http.method,
        path: op.http.requestUri,
        input: op.input.shape,
        output: op.output.shape,
        errors: (op.errors ?? []).map((e: { shape: string }) => e.shape),
      });
    }
  });

  it('carries every constraint of every non-error shape', () => {
    for (const [name, shape] of Object.entries<any>(model.shapes)) {
      if (shape.exception) {
        expect(ERRORS[name], name).toBe(shape.error.httpStatusCode);
        continue;
      }
      const ours: any = SHAPES[name];
      expect(ours, name).toBeDefined();
      expect(ours.type, name).toBe(shape.type);
      for (const key of ['min', 'max', 'enum', 'sensitive']) expect(ours[key], `${name}.${key}`).toEqual(shape[key]);
      // The one deliberate difference: the model's ResourceArn pattern rejects every real ARN.
      if (name !== 'ResourceArn') expect(ours.pattern, `${name}.pattern`).toEqual(shape.pattern);
      if (shape.type === 'structure') {
        expect(ours.required ?? [], `${name}.required`).toEqual(shape.required ?? []);
        expect(Object.keys(ours.members), `${name} members`).toEqual(Object.keys(shape.members));
        for (const [m, member] of Object.entries<any>(shape.members)) {
          expect(ours.members[m].shape, `${name}.${m}`).toBe(member.shape);
          expect(ours.members[m].location, `${name}.${m} location`).toBe(member.location);
        }
      }
      if (shape.type === 'list') expect(ours.member).toBe(shape.member.shape);
      if (shape.type === 'map') expect([ours.key, ours.value]).toEqual([shape.key.shape, shape.value.shape]);
    }
  });

  it('fixes the ResourceArn model bug: real ARNs of every type are accepted', () => {
    const buggy = new RegExp(`^(?:${model.shapes.ResourceArn.pattern})$`);
    const fixed = new RegExp(`^(?:${(SHAPES.ResourceArn as { pattern: string }).pattern})$`);
    const arn = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';
    expect(buggy.test(arn)).toBe(false);
    expect(fixed.test(arn)).toBe(true);
  });
});
