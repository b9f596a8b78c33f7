// The composition geometry (src/composition/layout.ts): pure arithmetic, checked against the rules
// docs/fidelity.md writes out (grid, featured slot, order attribute, PiP corners, sizes, behaviour).
import { describe, expect, it } from 'vitest';
import { gridRects, layoutTiles, orderParticipants, pipRect, type LayoutParticipant } from '../../src/composition/layout.js';

const canvas = { width: 1280, height: 720 };
const people = (n: number, attributes: (i: number) => Record<string, string | undefined> = () => ({})): LayoutParticipant[] =>
  Array.from({ length: n }, (_, i) => ({ participantId: `p${i}`, userId: `u${i}`, arrival: i, attributes: Object.fromEntries(Object.entries(attributes(i)).filter((e): e is [string, string] => e[1] !== undefined)) }));
const rects = (tiles: { x: number; y: number; width: number; height: number }[]) => tiles.map(({ x, y, width, height }) => ({ x, y, width, height }));

describe('grid', () => {
  it('one participant fills the canvas at 16:9; two sit side by side, centred; four make 2x2, gridGap apart', () => {
    expect(rects(layoutTiles({ grid: {} }, canvas, people(1)))).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }]);
    expect(rects(layoutTiles({ grid: { gridGap: 10 } }, canvas, people(2)))).toEqual([
      { x: 1, y: 182, width: 634, height: 356 },
      { x: 645, y: 182, width: 634, height: 356 },
    ]);
    const four = layoutTiles({ grid: { gridGap: 2 } }, canvas, people(4));
    expect(rects(four)).toEqual([
      { x: 1, y: 1, width: 638, height: 358 },
      { x: 641, y: 1, width: 638, height: 358 },
      { x: 1, y: 361, width: 638, height: 358 },
      { x: 641, y: 361, width: 638, height: 358 },
    ]);
    expect(four.map((t) => t.fill)).toEqual(['COVER', 'COVER', 'COVER', 'COVER']);
  });

  it('three: two on top, the third centred below; SQUARE and PORTRAIT tiles keep their aspect', () => {
    const three = rects(layoutTiles({ grid: { gridGap: 0 } }, canvas, people(3)));
    expect(three[2]!.x).toBe(Math.floor((1280 - three[2]!.width) / 2));
    expect(three[0]!.y).toBe(three[1]!.y);
    for (const [ratio, aspect] of [['SQUARE', 1], ['PORTRAIT', 3 / 4]] as const) {
      for (const t of layoutTiles({ grid: { videoAspectRatio: ratio } }, canvas, people(3))) expect(Math.abs(t.width / t.height - aspect)).toBeLessThan(0.02);
    }
  });

  it('the featured participant takes the left two thirds (CONTAIN by default), the others a grid on the right; alone it fills the canvas', () => {
    const tiles = layoutTiles({ grid: { featuredParticipantAttribute: 'star', gridGap: 4 } }, canvas, people(3, (i) => (i === 2 ? { star: 'true' } : {})));
    expect(tiles[0]).toMatchObject({ role: 'featured', fill: 'CONTAIN', x: 0, y: 0, width: 850, height: 720 });
    expect(tiles[0]!.participant.userId).toBe('u2');
    for (const t of tiles.slice(1)) expect(t.x).toBe(854);
    expect(tiles.slice(1).map((t) => t.participant.userId)).toEqual(['u0', 'u1']);
    expect(rects(layoutTiles({ grid: { featuredParticipantAttribute: 'star' } }, canvas, people(1, () => ({ star: 'true' }))))).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }]);
  });

  it('omitStoppedVideo leaves out participants whose video is stopped', () => {
    const ps = people(3).map((p, i) => ({ ...p, videoStopped: i === 1 }));
    expect(layoutTiles({ grid: {} }, canvas, ps)).toHaveLength(3);
    expect(layoutTiles({ grid: { omitStoppedVideo: true } }, canvas, ps).map((t) => t.participant.userId)).toEqual(['u0', 'u2']);
  });

  it('AUTO: tiles take the cells, whichever column count keeps them nearest 16:9', () => {
    const r = gridRects(2, { x: 0, y: 0, width: 1280, height: 720 }, 0, undefined);
    expect(r).toEqual([
      { x: 0, y: 0, width: 640, height: 720 },
      { x: 640, y: 0, width: 640, height: 720 },
    ]);
  });
});

describe('participantOrderAttribute', () => {
  it('orders by the attribute (numerically when numbers), then those without it by arrival', () => {
    const ps = people(4, (i) => ({ seat: ['', '10', '2', ''][i]! }));
    expect(orderParticipants(ps, 'seat').map((p) => p.userId)).toEqual(['u2', 'u1', 'u0', 'u3']);
    expect(orderParticipants(ps, '').map((p) => p.userId)).toEqual(['u0', 'u1', 'u2', 'u3']);
  });
});

describe('pip', () => {
  it('the PiP participant goes in the corner, a quarter of the width at 16:9, pipOffset from the edges', () => {
    const expected = {
      TOP_LEFT: { x: 20, y: 20 },
      TOP_RIGHT: { x: 1280 - 320 - 20, y: 20 },
      BOTTOM_LEFT: { x: 20, y: 720 - 180 - 20 },
      BOTTOM_RIGHT: { x: 1280 - 320 - 20, y: 720 - 180 - 20 },
    };
    for (const [pipPosition, at] of Object.entries(expected)) {
      const tiles = layoutTiles({ pip: { pipPosition, pipOffset: 20, pipParticipantAttribute: 'guest' } }, canvas, people(2, (i) => (i === 0 ? { guest: 'true' } : {})));
      expect(tiles[0]).toMatchObject({ role: 'main', x: 0, y: 0, width: 1280, height: 720 });
      expect(tiles[0]!.participant.userId).toBe('u1');
      expect(tiles[1]).toMatchObject({ role: 'pip', ...at, width: 320, height: 180 });
      expect(tiles[1]!.participant.userId).toBe('u0');
    }
  });

  it('pipWidth/pipHeight set the window (one alone keeps the video aspect); without a PiP attribute the second participant is the PiP', () => {
    expect(pipRect({ pipWidth: 400, pipHeight: 300 }, canvas)).toEqual({ x: 880, y: 420, width: 400, height: 300 });
    expect(pipRect({ pipHeight: 180 }, canvas)).toMatchObject({ width: 320, height: 180 });
    const tiles = layoutTiles({ pip: {} }, canvas, people(3));
    expect(tiles.map((t) => [t.participant.userId, t.role])).toEqual([['u0', 'main'], ['u1', 'pip']]);
  });

  it('pipBehavior: with only the PiP participant left, STATIC keeps its window and DYNAMIC fills the canvas', () => {
    const alone = people(1, () => ({ guest: 'true' }));
    expect(layoutTiles({ pip: { pipParticipantAttribute: 'guest' } }, canvas, alone)[0]).toMatchObject({ role: 'pip', width: 320, height: 180 });
    expect(layoutTiles({ pip: { pipParticipantAttribute: 'guest', pipBehavior: 'DYNAMIC' } }, canvas, alone)[0]).toMatchObject({ role: 'main', width: 1280, height: 720 });
  });

  it('the featured participant is the main video', () => {
    const tiles = layoutTiles({ pip: { featuredParticipantAttribute: 'host' } }, canvas, people(3, (i) => (i === 2 ? { host: 'true' } : {})));
    expect(tiles[0]!.participant.userId).toBe('u2');
  });
});
