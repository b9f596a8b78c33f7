// The media the emulator measures in what a WHIP publisher sends (src/emulator/media/whip/meter.ts), as the
// local tools read it from the admin routes and put it in words. One home for both, so that
// `ivsrt local status` and `ivsrt watch` say the same thing; it imports nothing that runs, so the watch
// UI's bundle can take it.
import type { MeasuredMedia } from '../emulator/http/admin-contract.js';

export type { MeasuredMedia };

/** `1280x720`, once a sequence parameter set has said it. */
export const resolutionText = (media: MeasuredMedia): string | undefined => (media.width ? `${media.width}x${media.height}` : undefined);

export const frameRateText = (media: MeasuredMedia): string | undefined => (media.frameRate !== undefined ? `${media.frameRate} fps` : undefined);

export const bitrateText = (media: MeasuredMedia): string => `${(media.bitrate / 1e6).toFixed(2)} Mbit/s`;

/** `H264 1280x720 30 fps + OPUS, 2.61 Mbit/s`; `no media yet, 0.00 Mbit/s` before the first packet. */
export function mediaLine(media: MeasuredMedia): string {
  const video = media.videoCodec ? [media.videoCodec, resolutionText(media), frameRateText(media)].filter(Boolean).join(' ') : '';
  const codecs = [video, media.audioCodec].filter(Boolean).join(' + ') || 'no media yet';
  return `${codecs}, ${bitrateText(media)}`;
}
