// `ivsrt composition preview`: a composition's layout drawn offline, to a PNG, so a person can design one
// in seconds without media, an emulator or an AWS bill. The geometry is src/composition/layout.ts and the
// drawing src/composition/graph.ts, the same the emulator renders a live composition with; ffmpeg draws it.
import { spawn } from 'node:child_process';
import { defineVerb, type OptionSpec, type Typed } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { checkOutputFile } from '../../src/cli/files.js';
import { resolveReference } from '../../src/cli/resources.js';
import { compositionGraph, type DrawnTile } from '../../src/composition/graph.js';
import { layoutTiles, PIP_POSITIONS, type Canvas, type LayoutParticipant, type LayoutSpec, type Tile } from '../../src/composition/layout.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { MAX_PIXELS, MAX_SIDE } from '../encoder-config/shared.js';

const OPTIONS = [
  { flags: '--out <file>', description: 'the PNG to write (required)' },
  { flags: '--layout <layout>', description: 'grid (the default) or pip', choices: ['grid', 'pip'] },
  { flags: '--participants <n|ids>', description: 'lay out N participants (user-1 ... user-N) or these comma-separated user ids, in this arrival order' },
  { flags: '--stage <stage>', description: 'lay out the publishers connected to this stage now (name, id or ARN), with their attributes', resource: 'stage' },
  { flags: '--encoder-config <encoder-config>', description: 'the canvas is this encoder configuration\'s width and height (name, id or ARN)', resource: 'encoder-config' },
  { flags: '--size <WxH>', description: 'the canvas size without an encoder configuration: even, 2-1920 each, at most 1920x1080 pixels (default 1280x720)' },
  { flags: '--featured <user-id>', description: 'with --participants: this one has the featured attribute set to "true"' },
  { flags: '--pip <user-id>', description: 'with --participants and --layout pip: this one has the PiP attribute set to "true"' },
  { flags: '--gap <px>', description: 'gridGap: pixels between tiles (grid default 2, PiP 0)', parse: 'int' },
  { flags: '--fill <mode>', description: 'videoFillMode: fill, cover or contain', choices: ['fill', 'cover', 'contain'] },
  { flags: '--aspect <ratio>', description: 'grid videoAspectRatio: auto, video (16:9, the default), square or portrait (3:4)', choices: ['auto', 'video', 'square', 'portrait'] },
  { flags: '--omit-stopped-video', description: 'omitStoppedVideo (the preview has no stopped video; accepted for a like-for-like layout)' },
  { flags: '--featured-attribute <name>', description: 'featuredParticipantAttribute (default with --featured: "featured")' },
  { flags: '--order-attribute <name>', description: 'participantOrderAttribute: participants are ordered by this attribute, then by arrival' },
  { flags: '--pip-attribute <name>', description: 'pipParticipantAttribute (default with --pip: "pip")' },
  { flags: '--pip-behavior <behavior>', description: 'pipBehavior: static (the default) or dynamic', choices: ['static', 'dynamic'] },
  { flags: '--pip-offset <px>', description: 'pipOffset: pixels from the corner\'s edges (default 0)', parse: 'int' },
  { flags: '--pip-position <corner>', description: 'pipPosition: top-left, top-right, bottom-left or bottom-right (the default)', choices: ['top-left', 'top-right', 'bottom-left', 'bottom-right'] },
  { flags: '--pip-width <px>', description: 'pipWidth (default: a quarter of the canvas at the video\'s aspect)', parse: 'int' },
  { flags: '--pip-height <px>', description: 'pipHeight', parse: 'int' },
] as const satisfies readonly OptionSpec[];

type Options = Typed<typeof OPTIONS>;

const SIZE = /^(\d+)x(\d+)$/;
const FILLS = ['FILL', 'COVER', 'CONTAIN'];
const ASPECTS = ['AUTO', 'VIDEO', 'SQUARE', 'PORTRAIT'];
const BEHAVIORS = ['STATIC', 'DYNAMIC'];
/** The attribute names `--featured` and `--pip` set on the participants they name, unless the attribute flags name others. */
const FEATURED_ATTRIBUTE = 'featured';
const PIP_ATTRIBUTE = 'pip';
const MAX_PARTICIPANTS = 12;

function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase().replace(/-/g, '_');
  if (!allowed.includes(upper)) throw new UsageError(`${flag} must be one of ${allowed.map((a) => a.toLowerCase()).join(', ')}, got "${value}"`);
  return upper;
}

function atLeast(flag: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number of pixels, at least ${min}`);
  return value;
}

/** The layout the flags describe, with the attribute names --featured and --pip need. */
function layoutOf(options: Options): LayoutSpec {
  const kind = (options.layout ?? 'grid').toLowerCase();
  if (kind !== 'grid' && kind !== 'pip') throw new UsageError(`--layout must be grid or pip, got "${options.layout}"`);
  const shared = {
    gridGap: atLeast('--gap', options.gap, 0),
    videoFillMode: oneOf('--fill', options.fill, FILLS),
    omitStoppedVideo: options.omitStoppedVideo,
    featuredParticipantAttribute: options.featuredAttribute ?? (options.featured !== undefined ? FEATURED_ATTRIBUTE : undefined),
    participantOrderAttribute: options.orderAttribute,
  };
  const pipOnly = { pip: options.pip, pipAttribute: options.pipAttribute, pipBehavior: options.pipBehavior, pipOffset: options.pipOffset, pipPosition: options.pipPosition, pipWidth: options.pipWidth, pipHeight: options.pipHeight };
  if (kind === 'grid') {
    const used = Object.entries(pipOnly).find(([, v]) => v !== undefined);
    if (used) throw new UsageError(`--${used[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a PiP setting; add --layout pip`);
    return { grid: { ...shared, videoAspectRatio: oneOf('--aspect', options.aspect, ASPECTS) } };
  }
  if (options.aspect !== undefined) throw new UsageError('--aspect is a grid setting (videoAspectRatio); PiP has none');
  return {
    pip: {
      ...shared,
      pipParticipantAttribute: options.pipAttribute ?? (options.pip !== undefined ? PIP_ATTRIBUTE : undefined),
      pipBehavior: oneOf('--pip-behavior', options.pipBehavior, BEHAVIORS),
      pipOffset: atLeast('--pip-offset', options.pipOffset, 0),
      pipPosition: oneOf('--pip-position', options.pipPosition, PIP_POSITIONS),
      pipWidth: atLeast('--pip-width', options.pipWidth, 1),
      pipHeight: atLeast('--pip-height', options.pipHeight, 1),
    },
  };
}

/** `--participants 4` (user-1 ... user-4) or `--participants alice,bob`, with --featured and --pip setting their attributes. */
function namedParticipants(options: Options, layout: LayoutSpec): LayoutParticipant[] {
  const spec = options.participants!;
  const names = /^\d+$/.test(spec) ? Array.from({ length: Number(spec) }, (_, i) => `user-${i + 1}`) : spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 || names.length > MAX_PARTICIPANTS) throw new UsageError(`--participants must be a count from 1 to ${MAX_PARTICIPANTS} or a list of user ids, got "${spec}"`);
  const shared = layout.pip ?? layout.grid!;
  for (const [flag, name] of [['--featured', options.featured], ['--pip', options.pip]] as const) {
    if (name !== undefined && !names.includes(name)) throw new UsageError(`${flag} "${name}" is not one of the participants (${names.join(', ')})`);
  }
  return names.map((userId, i) => {
    const attributes: Record<string, string> = {};
    if (userId === options.featured) attributes[shared.featuredParticipantAttribute!] = 'true';
    if (userId === options.pip && layout.pip) attributes[layout.pip.pipParticipantAttribute!] = 'true';
    return { participantId: userId, userId, attributes, arrival: i };
  });
}

/** The publishers connected to the stage's running session now, with their attributes. */
async function stageParticipants(ctx: Context, stage: string): Promise<LayoutParticipant[]> {
  const stageArn = await resolveReference(ctx, 'stage', stage);
  const sessionId = (await ctx.call('GetStage', { arn: stageArn })).stage?.activeSessionId;
  if (!sessionId) throw new CliError(`stage ${stageArn} has no session running, so nobody to lay out; use --participants N`, EXIT.usage);
  const listed = await ctx.call('ListParticipants', { stageArn, sessionId, filterByState: 'CONNECTED', maxResults: 100 });
  const publishers = (listed.participants ?? []).filter((p) => p.published);
  const full = await Promise.all(publishers.map((p) => ctx.call('GetParticipant', { stageArn, sessionId, participantId: p.participantId! })));
  return full.map(({ participant: p }) => ({
    participantId: p!.participantId!,
    userId: p!.userId || p!.participantId!,
    attributes: p!.attributes ?? {},
    arrival: p!.firstJoinTime?.getTime() ?? 0,
  }));
}

async function canvasOf(ctx: Context, options: Options): Promise<{ canvas: Canvas; framerate: number }> {
  if (options.encoderConfig !== undefined) {
    if (options.size !== undefined) throw new UsageError('pass either --size or --encoder-config, not both');
    const arn = await resolveReference(ctx, 'encoder-config', options.encoderConfig);
    const video = (await ctx.call('GetEncoderConfiguration', { arn })).encoderConfiguration?.video;
    return { canvas: { width: video?.width ?? 1280, height: video?.height ?? 720 }, framerate: video?.framerate ?? 30 };
  }
  const size = SIZE.exec(options.size ?? '1280x720');
  if (!size) throw new UsageError(`--size must be WIDTHxHEIGHT (e.g. 1280x720), got "${options.size}"`);
  const [width, height] = [Number(size[1]), Number(size[2])];
  // The canvas a composition could have: an encoder configuration's limits.
  if (![width, height].every((side) => side >= 2 && side <= MAX_SIDE && side % 2 === 0) || width * height > MAX_PIXELS) {
    throw new UsageError(`--size must be an encoder configuration's size: width and height even, 2-${MAX_SIDE} each and at most ${MAX_PIXELS} pixels together (e.g. 1920x1080 or 1080x1920), got ${width}x${height}`);
  }
  return { canvas: { width, height }, framerate: 30 };
}

/** The caption the preview marks a tile with: featured, PiP, or none. */
const markOf = (tile: Tile): string | undefined => (tile.role === 'featured' ? 'featured' : tile.role === 'pip' ? 'pip' : undefined);

function draw(ffmpeg: string, canvas: Canvas, tiles: Tile[], out: string): Promise<void> {
  const drawn: DrawnTile[] = tiles.map((tile) => ({ tile, content: { placeholder: tile.participant.userId ?? tile.participant.participantId }, mark: markOf(tile) }));
  const graph = compositionGraph({ canvas, framerate: 1, tiles: drawn });
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-filter_complex', graph, '-map', '[vout]', '-frames:v', '1', '-update', '1', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new CliError(`ffmpeg could not draw the layout: ${errors.trim().split('\n').pop() ?? `exit ${code}`}`, EXIT.other))));
  });
}

export const verb = defineVerb({
  summary: 'Draw a composition layout to a PNG, offline (tiles labelled, featured marked)',
  order: 40,
  description:
    'Draws a composition layout to a PNG, offline: grid or picture-in-picture, with the layout settings StartComposition takes, for N made-up participants or for the ' +
    'publishers on a stage now. Each tile is labelled with its user id; the featured and PiP tiles are framed and captioned. The geometry is the emulator\'s ' +
    '(inferred from the User Guide; docs/fidelity.md), the same it renders a live composition with. Needs ffmpeg; --json also prints each tile\'s rectangle.',
  examples: [
    { command: 'ivsrt composition preview --participants 4 --out layout.png', description: 'a 2x2 grid at 1280x720' },
    { command: 'ivsrt composition preview --participants alice,bob,carol --featured bob --gap 8 --out featured.png', description: 'bob in the featured slot' },
    { command: 'ivsrt composition preview --layout pip --participants host,guest --pip guest --pip-position top-left --pip-offset 16 --out pip.png' },
    { command: 'ivsrt composition preview --stage demo --encoder-config hd --featured-attribute host --out demo.png', description: 'the stage\'s publishers now, at the encoder configuration\'s size' },
  ],
  options: OPTIONS,
  output: {
    columns: [
      { header: 'USER', field: 'userId' },
      { header: 'ROLE', field: 'role' },
      { header: 'X', field: 'x' },
      { header: 'Y', field: 'y' },
      { header: 'WIDTH', field: 'width' },
      { header: 'HEIGHT', field: 'height' },
      { header: 'FILL', field: 'fill' },
    ],
  },
  async run(ctx, options) {
    if (options.out === undefined) throw new UsageError('--out <file> is required: the PNG to write');
    checkOutputFile('--out', options.out);
    if ((options.participants === undefined) === (options.stage === undefined)) throw new UsageError('pass either --participants N (or a list of user ids) or --stage <stage>');
    if (options.stage !== undefined && (options.featured !== undefined || options.pip !== undefined)) {
      throw new UsageError('--featured and --pip name made-up participants; with --stage the attributes come from the participants\' tokens (--featured-attribute, --pip-attribute)');
    }
    const layout = layoutOf(options);
    const ffmpeg = findFfmpeg();
    if (!ffmpeg) throw new CliError('composition preview needs ffmpeg on PATH to draw the PNG', EXIT.config, 'Install it: apt-get install ffmpeg, brew install ffmpeg.');
    const participants = options.participants !== undefined ? namedParticipants(options, layout) : await stageParticipants(ctx, options.stage!);
    const { canvas } = await canvasOf(ctx, options);
    const tiles = layoutTiles(layout, canvas, participants);
    await draw(ffmpeg, canvas, tiles, options.out);
    ctx.io.stderr.write(`ivsrt composition preview: wrote ${options.out} (${canvas.width}x${canvas.height}, ${tiles.length} tile${tiles.length === 1 ? '' : 's'})\n`);
    return tiles.map((t) => ({ userId: t.participant.userId ?? t.participant.participantId, role: t.role, x: t.x, y: t.y, width: t.width, height: t.height, fill: t.fill }));
  },
});
