// The channel destination's live output, played from the emulator (emulator-only: the real output goes
// to an IVS channel, another service): GET /playback/<compositionId>/live.m3u8 and its segments. Players
// (ffplay, VLC, hls.js on a page) send no credentials, so the route is public like the channel's playback
// URL; the composition id, random, is what names it, and the emulator listens on loopback.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { shiftProgramDateTime } from '../media/recording-files.js';

const FILE = /^\/playback\/([A-Za-z0-9]{1,64})\/([\w-]{1,64}\.(m3u8|ts))$/;
const TYPES: Record<string, string> = { m3u8: 'application/vnd.apple.mpegurl', ts: 'video/mp2t' };

/** What the route needs of the composition renderer (media/composition/renderer.ts): where an output is written, and how its dates are moved. */
interface LiveOutputs {
  liveDirOf(compositionId: string): string;
  /** The emulator's clock minus the wall clock ffmpeg dates its playlists by (ms). */
  clockOffset(): number;
}

export function servePlayback(renderer: LiveOutputs | undefined, req: IncomingMessage, res: ServerResponse, path: string): void {
  const match = FILE.exec(path);
  const file = match && renderer ? join(renderer.liveDirOf(match[1]!), match[2]!) : undefined;
  const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('playback takes GET\n');
    return;
  }
  if (!file || !existsSync(file)) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('no such live output (the composition has no running channel destination, or has not started)\n');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[match![3]!]! });
  if (req.method === 'HEAD') res.end();
  // The playlist's EXT-X-PROGRAM-DATE-TIME on the emulator's clock (ffmpeg writes the wall clock's).
  else if (match![3] === 'm3u8') res.end(shiftProgramDateTime(readFileSync(file, 'utf8'), renderer!.clockOffset()));
  else createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
