// What the demo's simulated participants do, decided apart from doing it: a seeded, pure planner, so a
// test can replay a run exactly and the executor (run.ts) stays a thin loop over the emulator.

export const ROSTER = ['ana', 'ben', 'chloe', 'dev', 'eli', 'fay', 'gus', 'hana'] as const;

export interface Member {
  participantId: string;
  userId: string;
  publishing: boolean;
}

export type DemoAction =
  | { kind: 'join'; userId: string; publish: boolean }
  | { kind: 'leave' | 'publish' | 'unpublish'; participantId: string; userId: string };

/** mulberry32: tiny, seedable, good enough to make churn look random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The opening: `size` people join, the first two of them publishing (a host and a guest). */
export function openingActions(size: number): DemoAction[] {
  return ROSTER.slice(0, Math.min(size, ROSTER.length)).map((userId, i) => ({ kind: 'join', userId, publish: i < 2 }));
}

/**
 * One step of churn that keeps the room near `size` people: someone leaves, someone (re)joins, or
 * someone starts or stops publishing. The stage never empties, so its session stays active.
 */
export function nextAction(members: readonly Member[], size: number, random: () => number): DemoAction {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const outside = ROSTER.filter((u) => !members.some((m) => m.userId === u));
  const canJoin = outside.length > 0 && members.length < size + 1;
  const canLeave = members.length > Math.max(1, size - 1);
  const roll = random();
  if (canJoin && (roll < 0.35 || !canLeave)) return { kind: 'join', userId: pick(outside), publish: random() < 0.4 };
  if (canLeave && roll < 0.7) {
    const leaving = pick(members);
    return { kind: 'leave', participantId: leaving.participantId, userId: leaving.userId };
  }
  const member = pick(members);
  return { kind: member.publishing ? 'unpublish' : 'publish', participantId: member.participantId, userId: member.userId };
}

/** The members after an action took effect (`participantId` is the emulator's answer to a join). */
export function applyAction(members: readonly Member[], action: DemoAction, participantId?: string): Member[] {
  switch (action.kind) {
    case 'join':
      return [...members, { participantId: participantId!, userId: action.userId, publishing: action.publish }];
    case 'leave':
      return members.filter((m) => m.participantId !== action.participantId);
    case 'publish':
    case 'unpublish':
      return members.map((m) => (m.participantId === action.participantId ? { ...m, publishing: action.kind === 'publish' } : m));
  }
}
