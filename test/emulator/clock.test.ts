// The virtual clock's advance (pure logic): timers that fall due on the way fire in due order, each seeing
// now() at its own due time, including timers that firing ones schedule inside the advanced span.
import { expect, test } from 'vitest';
import { VirtualClock } from '../../src/emulator/state/clock.js';

function frozenClock(): { clock: VirtualClock; start: number } {
  const clock = new VirtualClock();
  clock.freeze();
  return { clock, start: clock.now() };
}

test('advance fires due timers in due order, each at its due time, then stands at the end', () => {
  const { clock, start } = frozenClock();
  const fired: [string, number][] = [];
  const note = (name: string) => () => fired.push([name, clock.now() - start]);
  clock.schedule(60_000, note('idle'));
  clock.schedule(5_000, note('window'));
  clock.cancel(clock.schedule(7_000, note('cancelled')));
  clock.schedule(200_000, note('later'));
  clock.schedule(60_000, () => {
    note('idle-2')();
    // scheduled while firing: counted from this timer's due time, and due within the advance
    clock.schedule(1_000, note('chained'));
    clock.schedule(100_000, note('beyond'));
  });
  clock.advance(120_000);
  expect(fired).toEqual([
    ['window', 5_000],
    ['idle', 60_000],
    ['idle-2', 60_000],
    ['chained', 61_000],
  ]);
  expect(clock.now() - start).toBe(120_000);
  clock.advance(50_000);
  expect(fired.slice(4)).toEqual([['beyond', 160_000]]);
  expect(clock.now() - start).toBe(170_000);
});

test('a timer already overdue when advance starts fires at the time the advance started from, not earlier', () => {
  const { clock, start } = frozenClock();
  let seen: number | undefined;
  clock.schedule(0, () => (seen = clock.now() - start));
  clock.advance(10_000);
  expect(seen).toBe(0);
  expect(clock.offsetMs).toBe(10_000);
});
