import { describe, expect, it } from 'vitest';
import { applyAction, nextAction, openingActions, seededRandom, ROSTER, type Member } from '../../src/demo/plan.js';

function simulate(size: number, steps: number, seed: number) {
  const random = seededRandom(seed);
  let members: Member[] = [];
  let next = 0;
  const counts = { join: 0, leave: 0, publish: 0, unpublish: 0 };
  for (const action of openingActions(size)) members = applyAction(members, action, `p${next++}`);
  const sizes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const action = nextAction(members, size, random);
    counts[action.kind]++;
    if (action.kind === 'join') expect(members.some((m) => m.userId === action.userId)).toBe(false);
    else expect(members.some((m) => m.participantId === action.participantId)).toBe(true);
    members = applyAction(members, action, `p${next++}`);
    sizes.push(members.length);
  }
  return { members, counts, sizes };
}

describe('demo plan', () => {
  it('opens with the first people of the roster, two of them publishing', () => {
    expect(openingActions(3)).toEqual([
      { kind: 'join', userId: 'ana', publish: true },
      { kind: 'join', userId: 'ben', publish: true },
      { kind: 'join', userId: 'chloe', publish: false },
    ]);
    expect(openingActions(99)).toHaveLength(ROSTER.length);
  });

  it('churns around the target size without ever emptying the stage', () => {
    const { counts, sizes } = simulate(4, 500, 7);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    for (const kind of ['join', 'leave', 'publish', 'unpublish'] as const) expect(counts[kind]).toBeGreaterThan(20);
  });

  it('replays exactly from a seed', () => {
    expect(simulate(4, 50, 42)).toEqual(simulate(4, 50, 42));
    expect(simulate(4, 50, 42)).not.toEqual(simulate(4, 50, 43));
  });

  it('keeps a single participant on a stage of one', () => {
    const { sizes } = simulate(1, 100, 3);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });
});
