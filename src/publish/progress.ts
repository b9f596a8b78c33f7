// The one line `ivsrt publish` keeps on stderr while it runs.
import type { PublishStats } from './whip.js';

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatProgress(stats: PublishStats): string {
  return `${stats.connectionState} · ${(stats.bitrate / 1e6).toFixed(2)} Mbit/s · ${clock(stats.durationSeconds)} · ${(stats.bytesSent / 1e6).toFixed(1)} MB sent`;
}
