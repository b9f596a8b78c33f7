// The one line `ivsrt subscribe` keeps on stderr while it receives.
import type { ReceiveSample } from './receiver.js';

export function formatReceiving(s: ReceiveSample): string {
  const size = s.width === undefined ? 'waiting for a key frame' : `${s.width}x${s.height}`;
  const first = s.timeToFirstFrameMs === undefined ? '' : ` · first frame ${s.timeToFirstFrameMs} ms`;
  return `${s.connectionState} · ${size} · ${s.fps} fps · ${(s.bitrate / 1e6).toFixed(2)} Mbit/s · loss ${s.lossPercent}% · jitter ${s.jitterMs} ms${first}`;
}
