// The geometry of a server-side composition: where each participant's video goes on the output canvas for
// the documented grid and picture-in-picture layouts (API reference: GridConfiguration, PipConfiguration;
// User Guide, "Server-Side Composition"). The fields and their defaults are sourced; the arithmetic that
// turns them into rectangles is inferred from the User Guide's pictures and descriptions, and written out
// in docs/fidelity.md ("Composition layout geometry"). Pure: the emulator's renderer
// (src/emulator/media/composition/renderer.ts) and `ivsrt composition preview` both draw what this returns.

/** A participant as the layout sees it. */
export interface LayoutParticipant {
  participantId: string;
  userId?: string;
  /** The token's attributes (the layout reads the featured, order and PiP attributes from them). */
  attributes?: Record<string, string>;
  /** Arrival order on the stage (earlier first); participants without an order attribute follow it. */
  arrival: number;
  /** Its video is stopped (not published, or muted): left out when omitStoppedVideo is on. */
  videoStopped?: boolean;
  /** Width over height of its video, when known (the default PiP window follows it; 16:9 otherwise). */
  aspect?: number;
}

export type FillMode = 'COVER' | 'CONTAIN' | 'FILL';
export type TileRole = 'grid' | 'featured' | 'main' | 'pip';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile extends Rect {
  participant: LayoutParticipant;
  role: TileRole;
  fill: FillMode;
}

export interface Canvas {
  width: number;
  height: number;
}

/** The layout as StartComposition takes it (and GetComposition returns it, defaults filled in). */
export interface GridLayout {
  featuredParticipantAttribute?: string;
  gridGap?: number;
  omitStoppedVideo?: boolean;
  participantOrderAttribute?: string;
  videoAspectRatio?: string;
  videoFillMode?: string;
}

export interface PipLayout {
  featuredParticipantAttribute?: string;
  gridGap?: number;
  omitStoppedVideo?: boolean;
  participantOrderAttribute?: string;
  pipBehavior?: string;
  pipHeight?: number;
  pipOffset?: number;
  pipParticipantAttribute?: string;
  pipPosition?: string;
  pipWidth?: number;
  videoFillMode?: string;
}

export interface LayoutSpec {
  grid?: GridLayout;
  pip?: PipLayout;
}

/** The service's defaults (API reference; GetComposition echoes them). */
export const GRID_DEFAULTS = { gridGap: 2, videoAspectRatio: 'VIDEO' } as const;
export const PIP_DEFAULTS = { gridGap: 0, pipBehavior: 'STATIC', pipOffset: 0, pipPosition: 'BOTTOM_RIGHT', videoFillMode: 'COVER' } as const;

/** videoAspectRatio: "VIDEO is 16:9, SQUARE is 1:1, and PORTRAIT is 3:4" (AUTO: the tiles take the cells' shape). */
const ASPECTS: Record<string, number> = { VIDEO: 16 / 9, SQUARE: 1, PORTRAIT: 3 / 4 };
const DEFAULT_ASPECT = 16 / 9;
export const PIP_POSITIONS = ['TOP_LEFT', 'TOP_RIGHT', 'BOTTOM_LEFT', 'BOTTOM_RIGHT'] as const;
/** Inferred: the default PiP window is a quarter of the canvas wide. */
const PIP_DEFAULT_WIDTH_FRACTION = 1 / 4;
/** Inferred: with a featured participant, its slot takes two thirds of the width and the others share the rest. */
const FEATURED_WIDTH_FRACTION = 2 / 3;

const even = (n: number): number => Math.max(2, 2 * Math.floor(n / 2));
const isTrue = (p: LayoutParticipant, attribute: string | undefined): boolean => Boolean(attribute) && p.attributes?.[attribute!] === 'true';
const asFill = (mode: string | undefined, fallback: FillMode): FillMode => (mode === 'COVER' || mode === 'CONTAIN' || mode === 'FILL' ? mode : fallback);

/**
 * The order tiles are filled in: participants whose order attribute is set, by its value (as numbers
 * when both are numbers), then the rest by arrival ("ordered based on their arrival time").
 */
export function orderParticipants(participants: readonly LayoutParticipant[], orderAttribute: string | undefined): LayoutParticipant[] {
  const key = (p: LayoutParticipant): string => (orderAttribute ? (p.attributes?.[orderAttribute] ?? '') : '');
  return [...participants].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== '' && kb === '') return -1;
    if (ka === '' && kb !== '') return 1;
    if (ka !== kb) {
      const na = Number(ka);
      const nb = Number(kb);
      return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : ka < kb ? -1 : 1;
    }
    return a.arrival - b.arrival;
  });
}

/**
 * `count` tiles of aspect `aspect` (undefined: AUTO, tiles take the cells' shape) in `region`, `gap`
 * pixels apart: the number of columns that makes the tiles largest; rows centred, the last row's tiles
 * centred in it.
 */
export function gridRects(count: number, region: Rect, gap: number, aspect: number | undefined): Rect[] {
  if (count === 0) return [];
  let best = { columns: 1, width: 0, height: 0, score: -Infinity };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (region.width - (columns - 1) * gap) / columns;
    const cellHeight = (region.height - (rows - 1) * gap) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    let width: number;
    let height: number;
    let score: number;
    if (aspect === undefined) {
      // AUTO: the cells themselves, with as little distortion from 16:9 as the count allows.
      width = cellWidth;
      height = cellHeight;
      score = -Math.abs(Math.log(cellWidth / cellHeight / DEFAULT_ASPECT));
    } else {
      width = Math.min(cellWidth, cellHeight * aspect);
      height = width / aspect;
      score = width;
    }
    if (score > best.score - 1e-9) best = { columns, width, height, score }; // a tie goes to more columns (side by side)
  }
  const columns = best.columns;
  const rows = Math.ceil(count / columns);
  const width = even(best.width);
  const height = even(best.height);
  const blockHeight = rows * height + (rows - 1) * gap;
  const top = region.y + Math.floor((region.height - blockHeight) / 2);
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i / columns);
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const rowWidth = inRow * width + (inRow - 1) * gap;
    const left = region.x + Math.floor((region.width - rowWidth) / 2);
    rects.push({ x: left + (i % columns) * (width + gap), y: top + row * (height + gap), width, height });
  }
  return rects;
}

function gridTiles(spec: GridLayout, canvas: Canvas, shown: LayoutParticipant[]): Tile[] {
  const gap = spec.gridGap ?? GRID_DEFAULTS.gridGap;
  const ratio = spec.videoAspectRatio ?? GRID_DEFAULTS.videoAspectRatio;
  const aspect = ratio === 'AUTO' ? undefined : (ASPECTS[ratio] ?? DEFAULT_ASPECT);
  // "When not set, videoFillMode defaults to COVER fill mode for participants in the grid and to CONTAIN fill mode for featured participants."
  const gridFill = asFill(spec.videoFillMode, 'COVER');
  const featuredFill = asFill(spec.videoFillMode, 'CONTAIN');
  const whole: Rect = { x: 0, y: 0, width: canvas.width, height: canvas.height };
  const featured = shown.find((p) => isTrue(p, spec.featuredParticipantAttribute));
  const others = shown.filter((p) => p !== featured);
  if (!featured) return gridRects(others.length, whole, gap, aspect).map((r, i) => ({ ...r, participant: others[i]!, role: 'grid', fill: gridFill }));
  if (others.length === 0) return [{ ...whole, participant: featured, role: 'featured', fill: featuredFill }];
  const featuredWidth = even((canvas.width - gap) * FEATURED_WIDTH_FRACTION);
  const side: Rect = { x: featuredWidth + gap, y: 0, width: canvas.width - featuredWidth - gap, height: canvas.height };
  return [
    { x: 0, y: 0, width: featuredWidth, height: canvas.height, participant: featured, role: 'featured', fill: featuredFill },
    ...gridRects(others.length, side, gap, aspect).map((r, i): Tile => ({ ...r, participant: others[i]!, role: 'grid', fill: gridFill })),
  ];
}

/** The PiP window: pipWidth/pipHeight where given, else a quarter of the canvas wide at the video's aspect, `pipOffset` from the corner's edges. */
export function pipRect(spec: PipLayout, canvas: Canvas, aspect = DEFAULT_ASPECT): Rect {
  let width = spec.pipWidth;
  let height = spec.pipHeight;
  if (width === undefined && height === undefined) width = canvas.width * PIP_DEFAULT_WIDTH_FRACTION;
  if (width === undefined) width = height! * aspect;
  if (height === undefined) height = width / aspect;
  width = Math.min(even(width), canvas.width);
  height = Math.min(even(height), canvas.height);
  const offset = spec.pipOffset ?? PIP_DEFAULTS.pipOffset;
  const position = spec.pipPosition ?? PIP_DEFAULTS.pipPosition;
  const x = position.endsWith('LEFT') ? offset : canvas.width - width - offset;
  const y = position.startsWith('TOP') ? offset : canvas.height - height - offset;
  return { x: Math.max(0, x), y: Math.max(0, y), width, height };
}

function pipTiles(spec: PipLayout, canvas: Canvas, shown: LayoutParticipant[]): Tile[] {
  const fill = asFill(spec.videoFillMode, PIP_DEFAULTS.videoFillMode);
  const whole: Rect = { x: 0, y: 0, width: canvas.width, height: canvas.height };
  // The PiP participant: the one with the PiP attribute, else (inferred) the second in order.
  const pip = shown.find((p) => isTrue(p, spec.pipParticipantAttribute)) ?? (spec.pipParticipantAttribute ? undefined : shown[1]);
  const rest = shown.filter((p) => p !== pip);
  const main = rest.find((p) => isTrue(p, spec.featuredParticipantAttribute)) ?? rest[0];
  const tiles: Tile[] = [];
  if (main) tiles.push({ ...whole, participant: main, role: 'main', fill });
  if (pip) {
    // pipBehavior: "Defines PiP behavior when all participants have left: STATIC (maintains original position/size) or DYNAMIC (expands to full composition)."
    const alone = !main && (spec.pipBehavior ?? PIP_DEFAULTS.pipBehavior) === 'DYNAMIC';
    tiles.push({ ...(alone ? whole : pipRect(spec, canvas, pip.aspect)), participant: pip, role: alone ? 'main' : 'pip', fill });
  }
  return tiles;
}

/** Where each shown participant's video goes, back to front (a PiP window comes after the video it covers). */
export function layoutTiles(spec: LayoutSpec, canvas: Canvas, participants: readonly LayoutParticipant[]): Tile[] {
  const shared = spec.pip ?? spec.grid ?? {};
  const ordered = orderParticipants(participants, shared.participantOrderAttribute);
  const shown = shared.omitStoppedVideo ? ordered.filter((p) => !p.videoStopped) : ordered;
  return spec.pip ? pipTiles(spec.pip, canvas, shown) : gridTiles(spec.grid ?? {}, canvas, shown);
}

/** The centre of a rectangle (where a test samples a tile's colour). */
export const centreOf = (r: Rect): { x: number; y: number } => ({ x: r.x + Math.floor(r.width / 2), y: r.y + Math.floor(r.height / 2) });
