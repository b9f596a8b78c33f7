import { defineVerb, type AnyVerb } from '../../src/cli/command.js';
import { sendOperation } from '../../src/cli/operation.js';
import { compositionArgument, compositionColumns } from './shared.js';

/**
 * The emulator's live output of a channel destination (emulator-only: on AWS the channel has its own
 * playback URL, from the IVS low-latency API), when the endpoint serves one for this composition.
 */
async function emulatorPlaybackUrl(endpoint: string, compositionArn: string): Promise<string | undefined> {
  const url = `${endpoint.replace(/\/$/, '')}/playback/${compositionArn.slice(compositionArn.lastIndexOf('/') + 1)}/live.m3u8`;
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(2_000) });
    return res.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

export const verb = defineVerb({
  summary: 'Show a composition, its layout and destinations',
  order: 30,
  operation: 'GetComposition',
  description:
    'Shows a composition: its state, its stage, the layout, and each destination with its state and, for S3, the recording prefix. ' +
    'Against the local emulator, a channel destination also shows playbackUrl: the composited video as live HLS that ffplay, VLC or hls.js play (emulator-only; on AWS, watch the channel). ' +
    'Stopped and failed compositions disappear about five minutes after they end.',
  examples: [
    { command: 'ivsrt composition get s2AdaGUbvQgp', description: 'by id' },
    { command: "ivsrt composition get s2AdaGUbvQgp --query 'composition.destinations[].detail.s3.recordingPrefix'", description: 'where the recording goes' },
    { command: "ivsrt composition get s2AdaGUbvQgp --query 'composition.destinations[0].playbackUrl'", description: 'the local emulator\'s live output, for ffplay, VLC or hls.js' },
  ],
  args: [compositionArgument],
  output: { root: 'composition', columns: compositionColumns },
  async run(ctx, typed) {
    const result = await sendOperation(ctx, verb as AnyVerb, typed);
    const composition = result.composition as { arn?: string; destinations?: { configuration?: { channel?: unknown }; playbackUrl?: string }[] } | undefined;
    const target = await ctx.target();
    if (target.kind !== 'aws' && target.endpoint && composition?.arn) {
      for (const d of composition.destinations ?? []) {
        if (!d.configuration?.channel) continue;
        const playbackUrl = await emulatorPlaybackUrl(target.endpoint, composition.arn);
        if (playbackUrl) d.playbackUrl = playbackUrl;
      }
    }
    return result;
  },
});
