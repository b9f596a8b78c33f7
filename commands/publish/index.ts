// `ivsrt publish <stage>`: real media into a stage over WHIP, from the command line, to the service or
// the local emulator alike (the stage's endpoints.whip says where). ffmpeg makes the media; node-datachannel
// carries it; both load only here.
import { defineVerb } from '../../src/cli/command.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { checkInputFile } from '../../src/cli/files.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { resolveReference } from '../../src/cli/resources.js';
import { endOnInterrupt } from '../../src/cli/signals.js';
import { decodeJwt, JwtFormatError } from '../../src/tokens/jwt.js';
import { findFfmpeg, type MediaSource } from '../../src/publish/ffmpeg.js';
import { formatProgress } from '../../src/publish/progress.js';


const RESOLUTION = /^(\d{2,4})x(\d{2,4})$/;

export const verb = defineVerb({
  summary: 'Publish real audio and video into a stage over WHIP (test pattern or a file, via ffmpeg)',
  order: 20,
  description:
    'Publishes real audio and video into a stage over WHIP (RFC 9725), as a participant: to the service on AWS, or to the local emulator, whichever the stage lives on. ' +
    'It makes a publish-only participant token (or takes --token), encodes H.264 and Opus with ffmpeg (install it: apt-get install ffmpeg, brew install ffmpeg), ' +
    'and sends a test pattern with a tone, or a media file on a loop. Progress (connection state, bitrate, duration) goes to stderr. ' +
    'It runs until --duration seconds have passed or Ctrl-C, then ends the session with a WHIP DELETE and prints the participant, the WHIP session URL and what was sent.',
  examples: [
    { command: 'ivsrt publish demo --duration 30', description: 'a test pattern for 30 seconds' },
    { command: 'ivsrt publish demo --file talk.mp4 --user-id speaker', description: 'a file, looped, until Ctrl-C' },
    { command: 'ivsrt publish demo --token - --json <<< "$TOKEN"', description: 'with a token you made, read from standard input; the session as JSON' },
    { command: 'ivsrt publish demo --color red --resolution 640x360 --user-id red', description: 'a solid red picture, to see where a composition puts it' },
  ],
  args: [{ name: 'stage', description: 'stage name, id or ARN', resource: 'stage' }],
  options: [
    { flags: '--user-id <id>', description: 'the participant\'s user id (for the token this makes)' },
    { flags: '--file <media>', description: 'publish this media file (video and audio), looped' },
    { flags: '--test-pattern', description: 'publish ffmpeg\'s test pattern and a tone (the default)' },
    { flags: '--color <colour>', description: 'publish one solid colour (a name like red, or 0xRRGGBB) and a tone, a key frame every second: a source that is easy to find in a composition' },
    { flags: '--duration <seconds>', description: 'stop after this many seconds (default: until Ctrl-C)', parse: 'float' },
    { flags: '--token <token>', description: 'publish with this participant token instead of making one (- reads it from standard input, out of ps and shell history)' },
    { flags: '--resolution <WxH>', description: 'video size (default 1280x720, the most a stage takes)' },
    { flags: '--bitrate <kbps>', description: 'video bitrate in kbit/s (default 2500)', parse: 'int' },
    { flags: '--fps <n>', description: 'frames per second (default 30)', parse: 'int' },
    { flags: '--keyframe-interval <seconds>', description: 'seconds between key frames (default 2); shorter gets new subscribers a picture sooner', parse: 'float' },
  ],
  output: {
    columns: [
      { header: 'PARTICIPANT', field: 'participantId' },
      { header: 'SECONDS', field: 'durationSeconds' },
      { header: 'BYTES SENT', field: 'bytesSent' },
      { header: 'AVG BITRATE', field: 'averageBitrate' },
      { header: 'ENDED BY', field: 'endedBy' },
    ],
  },
  async run(ctx, options) {
    if ([options.file !== undefined, options.testPattern, options.color !== undefined].filter(Boolean).length > 1) throw new UsageError('pass only one of --file or --test-pattern or --color');
    // A missing file is bad input, found before a token is made and the stage joined (ffmpeg would say so only then);
    // a URL (http://, rtsp://) is ffmpeg's to open.
    if (options.file !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(options.file)) checkInputFile('--file', options.file);
    if (options.color !== undefined && !/^(0x[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$/.test(options.color)) throw new UsageError(`--color must be a colour name (red) or 0xRRGGBB, got "${options.color}"`);
    if (options.duration !== undefined && !(options.duration > 0)) throw new UsageError('--duration must be a number of seconds above 0');
    const size = RESOLUTION.exec(options.resolution ?? '1280x720');
    if (!size) throw new UsageError(`--resolution must be WIDTHxHEIGHT (e.g. 1280x720), got "${options.resolution}"`);
    if (options.bitrate !== undefined && !(options.bitrate >= 100 && options.bitrate <= 20_000)) throw new UsageError('--bitrate must be from 100 to 20000 kbit/s');
    if (options.fps !== undefined && !(options.fps >= 1 && options.fps <= 60)) throw new UsageError('--fps must be from 1 to 60');
    if (options.keyframeInterval !== undefined && !(options.keyframeInterval >= 0.1 && options.keyframeInterval <= 10)) throw new UsageError('--keyframe-interval must be from 0.1 to 10 seconds');
    if (options.token !== undefined && options.userId !== undefined) throw new UsageError('--user-id comes from the token; use it without --token');
    const ffmpeg = findFfmpeg(ctx.env);
    if (!ffmpeg) throw new CliError('ivsrt publish needs ffmpeg on PATH to make the media', EXIT.config, 'Install it: apt-get install ffmpeg (Debian/Ubuntu), brew install ffmpeg (macOS).');

    const stageArn = await resolveReference(ctx, 'stage', options.stage!);
    let token: string;
    let participantId: string;
    let endpoint: string;
    if (options.token !== undefined) {
      token = await secretFromFlag(ctx.io, options.token);
      let claims: Record<string, unknown>;
      try {
        claims = decodeJwt(token).payload;
      } catch (error) {
        throw new UsageError(`--token is not a participant token: ${error instanceof JwtFormatError ? error.message : 'not a JWT'}`);
      }
      if (claims.resource !== stageArn) throw new UsageError(`--token is for ${String(claims.resource)}, not ${stageArn}`);
      if (typeof claims.whip_url !== 'string') throw new UsageError('--token has no whip_url claim');
      participantId = String(claims.jti);
      endpoint = claims.whip_url;
    } else {
      const made = await ctx.call('CreateParticipantToken', { stageArn, userId: options.userId, capabilities: ['PUBLISH'] });
      token = made.participantToken!.token!;
      participantId = made.participantToken!.participantId!;
      const { stage } = await ctx.call('GetStage', { arn: stageArn });
      endpoint = stage!.endpoints!.whip!;
    }

    const source: MediaSource = {
      file: options.file,
      colour: options.color,
      width: Number(size[1]),
      height: Number(size[2]),
      fps: options.fps ?? 30,
      videoBitrate: (options.bitrate ?? 2500) * 1000,
      audioBitrate: 64_000,
      keyframeSeconds: options.keyframeInterval,
    };
    const { PublishSession, WhipRefused } = await import('../../src/publish/whip.js');
    const err = ctx.io.stderr;
    const tty = Boolean((err as NodeJS.WriteStream).isTTY);
    err.write(`ivsrt publish: offering to ${endpoint} as participant ${participantId}\n`);
    // Ctrl-C is ours from before the offer: the endpoint can count the participant as publishing as soon
    // as the connection is up, before start() returns, and an interrupt then must still end the session
    // with a DELETE (exiting at once would leave libdatachannel's threads, and the session, behind).
    const run = endOnInterrupt();
    let session;
    try {
      session = await PublishSession.start({ endpoint, token, source, ffmpeg, onEnd: run.end });
    } catch (error) {
      run.release();
      if (error instanceof WhipRefused) throw new CliError(error.message, EXIT.service);
      throw new CliError(`could not publish: ${error instanceof Error ? error.message : String(error)}`, EXIT.other);
    }
    const progress = setInterval(() => {
      const line = formatProgress(session.stats());
      err.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    }, tty ? 1_000 : 5_000);
    run.endAfter(options.duration);
    const endedBy = await run.ended;
    clearInterval(progress);
    run.release();
    const stats = await session.stop();
    if (tty) err.write('\n');
    err.write(`ivsrt publish: ended (${endedBy}); session ${session.resourceUrl} deleted\n`);
    const result = { participantId, stageArn, resourceUrl: session.resourceUrl, endedBy, ...stats };
    if (endedBy !== 'duration' && endedBy !== 'Ctrl-C') throw new CliError(`publishing ended early: ${endedBy}`, EXIT.other);
    return result;
  },
});
