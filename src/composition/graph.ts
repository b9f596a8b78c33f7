// The ffmpeg filter graph that draws a composition's tiles (layout.ts) onto its canvas: each tile is a
// participant's decoded video, fitted by its fill mode, or a labelled placeholder where there is no video
// to show (a simulated publisher in the emulator; every tile of `ivsrt composition preview`). The
// emulator's renderer and the preview build their graphs here, so what the preview shows is what the
// emulator draws.
import type { Canvas, FillMode, Tile } from './layout.js';

/** What goes in a tile: a video stream of ffmpeg's inputs (`0:2`), or a placeholder with a label. */
export type TileContent = { stream: string } | { placeholder: string };

export interface DrawnTile {
  tile: Tile;
  content: TileContent;
  /** A frame and a caption drawn over the tile (the preview marks the featured and PiP tiles). */
  mark?: string;
}

export interface GraphOptions {
  canvas: Canvas;
  framerate: number;
  tiles: readonly DrawnTile[];
  /** Audio streams of the inputs to mix into `[aout]` (`0:3`), an empty list for silence; absent: no audio output. */
  audio?: readonly string[];
}

/** The canvas behind the tiles (the gaps and letterboxing show it). */
export const BACKGROUND = '0x000000';
/** A placeholder tile's colour: a dark grey no participant's test colour is near. */
export const PLACEHOLDER = '0x404040';
const MARK_COLOUR = '0xFFD200';

/**
 * Text drawtext shows as given: printable ASCII except the characters the filter graph's own syntax
 * uses (quotes, backslash, colon, brackets, comma, semicolon, percent), each replaced by `_`.
 */
export function labelText(text: string): string {
  return text.replace(/[^\x20-\x7e]|['"\\:[\],;%=]/g, '_').slice(0, 64);
}

/** A caption in the tile's top-left corner (bottom-left with `bottom`; top centre with `centred`, clear of any PiP corner). */
function label(text: string, size: number, where: 'top' | 'bottom' | 'centred' = 'top'): string {
  const margin = Math.round(size / 2);
  const y = where === 'bottom' ? `h-th-${margin}` : String(margin);
  const x = where === 'centred' ? '(w-tw)/2' : String(margin);
  return `drawtext=text='${labelText(text)}':expansion=none:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 4)}:x=${x}:y=${y}`;
}

/** Scaling that makes a video of any size fill a w x h tile by `fill`. */
export function fitFilter(fill: FillMode, width: number, height: number): string {
  switch (fill) {
    case 'FILL':
      return `scale=${width}:${height}`;
    case 'CONTAIN':
      return `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:color=${BACKGROUND}`;
    case 'COVER':
      return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
  }
}

const fontSize = (tile: Tile): number => Math.max(10, Math.min(36, Math.round(tile.height / 10)));

/** The filter graph (for -filter_complex) with its outputs `[vout]` and, when `audio` is given, `[aout]`. */
export function compositionGraph(options: GraphOptions): string {
  const { canvas, framerate, tiles } = options;
  const chains: string[] = [`color=c=${BACKGROUND}:s=${canvas.width}x${canvas.height}:r=${framerate}[canvas0]`];
  tiles.forEach(({ tile, content, mark }, i) => {
    const { width, height } = tile;
    const steps: string[] = [];
    let head: string;
    if ('stream' in content) {
      head = `[${content.stream}]`;
      steps.push('setpts=PTS-STARTPTS', fitFilter(tile.fill, width, height));
    } else {
      head = `color=c=${PLACEHOLDER}:s=${width}x${height}:r=${framerate},`;
      steps.push(label(content.placeholder, fontSize(tile), tile.role === 'main' ? 'centred' : 'top'));
    }
    if (mark !== undefined) steps.push(`drawbox=x=0:y=0:w=iw:h=ih:color=${MARK_COLOUR}:t=${Math.max(2, Math.round(fontSize(tile) / 6))}`, label(mark, fontSize(tile), 'bottom'));
    steps.push('setsar=1', 'format=yuv420p');
    chains.push(`${head}${steps.join(',')}[tile${i}]`);
    const last = i === tiles.length - 1;
    chains.push(`[canvas${i}][tile${i}]overlay=x=${tile.x}:y=${tile.y}:eof_action=repeat${last ? ',format=yuv420p' : ''}[${last ? 'vout' : `canvas${i + 1}`}]`);
  });
  if (tiles.length === 0) chains[0] = chains[0]!.replace('[canvas0]', ',format=yuv420p[vout]');
  const audio = options.audio;
  if (audio === undefined) return chains.join(';');
  if (audio.length === 0) chains.push('anullsrc=r=48000:cl=stereo[aout]');
  else if (audio.length === 1) chains.push(`[${audio[0]}]aresample=48000:async=1000[aout]`);
  else chains.push(`${audio.map((a) => `[${a}]`).join('')}amix=inputs=${audio.length}:normalize=0:dropout_transition=0[aout]`);
  return chains.join(';');
}
