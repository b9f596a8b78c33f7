// The dead-letter file keeps whole lines: a line torn by a crash mid-append is cut off before the next
// letter goes in. (A full disk is test/events/delivery.test.ts "the dead-letter file on a full disk".)
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DeadLetterFile } from '../../src/emulator/eventbridge/dead-letters.js';
import { scratchDir } from '../helpers/scratch.js';

test('a torn last line is cut off before the next letter, which is written whole; a new file is 0600', () => {
  const dir = scratchDir('dead-letters');
  const torn = join(dir, 'torn.ndjson');
  writeFileSync(torn, '{"n":1}\n{"n":2,"cut sho');
  const written: number[] = [];
  const file = new DeadLetterFile(torn, (line) => expect.unreachable(line));
  file.add({ n: 3 }, () => written.push(3));
  expect(readFileSync(torn, 'utf8')).toBe('{"n":1}\n{"n":3}\n');
  expect(written).toEqual([3]);

  const fresh = join(dir, 'fresh.ndjson');
  new DeadLetterFile(fresh, (line) => expect.unreachable(line)).add({ n: 1 }, () => {});
  expect(readFileSync(fresh, 'utf8')).toBe('{"n":1}\n');
  expect(statSync(fresh).mode & 0o777).toBe(0o600);

  const noNewlineAtAll = join(dir, 'garbage.ndjson');
  writeFileSync(noNewlineAtAll, 'x'.repeat(100_000));
  new DeadLetterFile(noNewlineAtAll, (line) => expect.unreachable(line)).add({ n: 1 }, () => {});
  expect(readFileSync(noNewlineAtAll, 'utf8')).toBe('{"n":1}\n');
});
