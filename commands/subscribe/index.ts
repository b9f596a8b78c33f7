// `ivsrt subscribe <stage> <participant>`: receive one participant's audio and video from a stage, the way
// AWS's aiortc samples subscribe (POST <whip_url>/subscribe/<participantId>), from the service or the local
// emulator alike. It measures what arrives, and with ffmpeg writes it without re-encoding and/or takes a
// JPEG every interval. node-datachannel and ffmpeg load only here.
import { defineVerb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { CliError, EXIT, UsageError } from '../../src/cli/errors.js';
import { checkOutputFile, makeOutputDir } from '../../src/cli/files.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { listAll } from '../../src/cli/paginate.js';
import { resolveReference } from '../../src/cli/resources.js';
import { endOnInterrupt } from '../../src/cli/signals.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { formatReceiving } from '../../src/subscribe/progress.js';
import { choosePublisher, describeEnd, endedInFailure, stoppedPublishing, watchStalls, type Publisher, type SubscribeEnd } from '../../src/subscribe/publisher.js';
import { decodeJwt, JwtFormatError } from '../../src/tokens/jwt.js';

const OUT_FILE = /\.(mkv|mp4)$/i;

export const verb = defineVerb({
  summary: 'Receive a participant\'s audio and video from a stage (measure it, record it, take frames)',
  order: 30,
  description:
    'Receives a participant\'s audio and video from a stage, as a subscriber, from the service on AWS or from the local emulator, whichever the stage lives on. ' +
    'It makes a subscribe-only participant token (or takes --token; the token is never printed) and posts a WebRTC offer to the token\'s whip_url + /subscribe/<participant id>, ' +
    'as AWS\'s open-source samples do. The participant is a participant id or a user id on the stage\'s current session. ' +
    'On a terminal a live line on stderr shows resolution, frame rate, bitrate, packet loss, jitter and the time to the first frame; with --json, one JSON sample a second and a summary, as NDJSON. ' +
    '--out writes the media without re-encoding and --frames a JPEG every --every (both need ffmpeg: apt-get install ffmpeg, brew install ffmpeg). ' +
    'It runs until --duration seconds have passed, the publisher stops, or Ctrl-C, then ends the subscription with a DELETE and prints a summary. ' +
    'Exit codes: 252 bad input, 253 ffmpeg missing, 254 the stage refused (PUBLISHER_NOT_FOUND: not publishing; INSUFFICIENT_CAPABILITIES; QUOTA_EXCEEDED; a bad token), 255 the connection failed.',
  examples: [
    { command: 'ivsrt subscribe demo alice --duration 10', description: 'watch user alice for ten seconds' },
    { command: 'ivsrt subscribe demo alice --out alice.mkv --frames shots --every 5s', description: 'keep the media, and a picture every five seconds' },
    { command: 'ivsrt subscribe demo AbCdEfGhIjKl --token - --json <<< "$TOKEN"', description: 'with your own token, read from standard input; samples and summary as NDJSON' },
  ],
  args: [
    { name: 'stage', description: 'stage name, id or ARN', resource: 'stage' },
    { name: 'participant', description: 'the participant to receive: its participant id, or its user id' },
  ],
  options: [
    { flags: '--token <token>', description: 'subscribe with this participant token (it needs the SUBSCRIBE capability) instead of making one (- reads it from standard input, out of ps and shell history)' },
    { flags: '--duration <seconds>', description: 'stop after this many seconds (default: until the publisher stops or Ctrl-C)', parse: 'float' },
    { flags: '--out <file>', description: 'write the media to this .mkv or .mp4 file, as received (no re-encoding); it is put in place when the run ends, if any media came' },
    { flags: '--frames <dir>', description: 'write a JPEG of the video to this directory every --every' },
    { flags: '--every <interval>', description: 'how often --frames takes a picture: 500ms, 5s, 1m (default 5s)' },
  ],
  output: {
    columns: [
      { header: 'PUBLISHER', field: 'publisherId' },
      { header: 'SIZE', field: 'size', value: (row) => (row.width ? `${String(row.width)}x${String(row.height)}` : '') },
      { header: 'FRAMES', field: 'framesReceived' },
      { header: 'LOSS %', field: 'lossPercent' },
      { header: 'FIRST FRAME MS', field: 'timeToFirstFrameMs' },
      { header: 'ENDED BY', field: 'endedBy' },
    ],
  },
  async run(ctx, options) {
    if (options.duration !== undefined && !(options.duration > 0)) throw new UsageError('--duration must be a number of seconds above 0');
    if (options.out !== undefined && !OUT_FILE.test(options.out)) throw new UsageError(`--out must name a .mkv or .mp4 file, got "${options.out}"`);
    if (options.every !== undefined && options.frames === undefined) throw new UsageError('--every goes with --frames <dir>');
    let everySeconds = 5;
    if (options.every !== undefined) {
      const { parseDuration, FaultSpecError } = await import('../../src/emulator/eventbridge/faults.js');
      try {
        everySeconds = parseDuration(options.every, '--every') / 1000;
      } catch (error) {
        throw new UsageError(error instanceof FaultSpecError ? error.message : String(error));
      }
      if (!(everySeconds > 0)) throw new UsageError('--every must be above 0');
    }
    // Where the media goes is checked before any token is made: a typo in a path is bad input, not a failed run.
    if (options.out !== undefined) checkOutputFile('--out', options.out);
    if (options.frames !== undefined) makeOutputDir('--frames', options.frames);
    const writes = options.out !== undefined || options.frames !== undefined;
    const ffmpeg = writes ? findFfmpeg(ctx.env) : undefined;
    if (writes && !ffmpeg) throw new CliError('--out and --frames need ffmpeg on PATH', EXIT.config, 'Install it: apt-get install ffmpeg (Debian/Ubuntu), brew install ffmpeg (macOS).');
    const given = options.token === undefined ? undefined : await secretFromFlag(ctx.io, options.token);
    const tokenClaims = given === undefined ? undefined : claimsOf(given);
    if (tokenClaims && tokenClaims.capabilities?.allow_subscribe !== true) {
      throw new UsageError('--token does not allow subscribing (its capabilities have no allow_subscribe); make one with --capabilities subscribe');
    }

    const stageArn = await resolveReference(ctx, 'stage', options.stage!);
    if (tokenClaims && tokenClaims.resource !== stageArn) throw new UsageError(`--token is for ${String(tokenClaims.resource)}, not ${stageArn}`);
    const publisher = await publisherOf(ctx, stageArn, options.participant!);
    let token = given;
    if (token === undefined) {
      const made = await ctx.call('CreateParticipantToken', { stageArn, capabilities: ['SUBSCRIBE'] });
      token = made.participantToken!.token!;
    }
    const whipUrl = claimsOf(token).whip_url;
    if (typeof whipUrl !== 'string') throw new UsageError('the token has no whip_url claim to subscribe at');
    const endpoint = `${whipUrl.replace(/\/$/, '')}/subscribe/${encodeURIComponent(publisher.participantId)}`;

    const { SubscribeSession } = await import('../../src/subscribe/session.js');
    const { finishOutput, partialPathOf } = await import('../../src/subscribe/ffmpeg.js');
    // ffmpeg writes beside --out until the run ends (partialPathOf), and finishOutput puts it in place.
    const out = options.out === undefined ? undefined : { partial: partialPathOf(options.out), file: options.out };
    const { SubscribeRefused } = await import('../../src/subscribe/signal.js');
    const err = ctx.io.stderr;
    const json = ctx.globals.json === true;
    const tty = Boolean((err as NodeJS.WriteStream).isTTY) && !json;
    if (tty) err.write(`ivsrt subscribe: offering to ${endpoint}\n`);
    const run = endOnInterrupt<SubscribeEnd>();
    let session;
    try {
      session = await SubscribeSession.start({
        endpoint,
        token,
        ffmpeg,
        outputs: { out: out?.partial, frames: options.frames === undefined ? undefined : { dir: options.frames, everySeconds } },
        onEnd: run.end,
      });
    } catch (error) {
      run.release();
      if (out) finishOutput(out.partial, out.file); // ffmpeg's empty file goes
      if (error instanceof SubscribeRefused) throw new CliError(`${error.code ? `${error.code}: ` : ''}${error.message} (HTTP ${error.status})`, EXIT.service);
      throw new CliError(`could not subscribe: ${error instanceof Error ? error.message : String(error)}`, EXIT.other);
    }
    const report = (): void => {
      const sample = session.receiver.sample();
      if (json) ctx.io.stdout.write(`${JSON.stringify({ type: 'sample', ...sample })}\n`);
      else err.write(tty ? `\r${formatReceiving(sample)}\u001b[K` : `${formatReceiving(sample)}\n`);
    };
    const progress = setInterval(report, json || tty ? 1_000 : 5_000);
    const stopped = () => hasStoppedPublishing(ctx, stageArn, publisher);
    const stalls = watchStalls(() => session.receiver.packetsReceived, stopped, () => run.end({ kind: 'publisher-stopped' }));
    run.endAfter(options.duration);
    let reason = await run.ended;
    clearInterval(progress);
    clearInterval(stalls);
    run.release();
    // A connection that went away because its publisher stopped is the end of the run, not a failure: the stage's
    // record (ListParticipantEvents) tells the two apart, here and on AWS alike.
    if (typeof reason === 'object' && reason.kind === 'connection' && (await stopped())) reason = { kind: 'publisher-stopped' };
    const endedBy = describeEnd(reason);
    const stats = await session.stop();
    const outWritten = out !== undefined && finishOutput(out.partial, out.file);
    if (tty) err.write('\n');
    if (out && !outWritten) ctx.info(`ivsrt subscribe: no media arrived, so ${out.file} was not written`);
    const summary = {
      stageArn,
      publisherId: publisher.participantId,
      ...(publisher.userId ? { publisherUserId: publisher.userId } : {}),
      resourceUrl: session.resourceUrl,
      endedBy,
      ...(outWritten ? { out: out.file } : {}),
      ...(options.frames !== undefined ? { frames: options.frames } : {}),
      ...stats,
    };
    if (!json) err.write(`ivsrt subscribe: ended (${endedBy})\n`);
    if (endedInFailure(reason)) throw new CliError(`the subscription ended early: ${endedBy}`, EXIT.other);
    if (json) {
      ctx.io.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
      return undefined;
    }
    return summary;
  },
});

/** Whether the publisher no longer publishes, by the session's record; false when that cannot be read. */
async function hasStoppedPublishing(ctx: Context, stageArn: string, publisher: Publisher): Promise<boolean> {
  try {
    const request = { stageArn, sessionId: publisher.sessionId, participantId: publisher.participantId, maxResults: 100 };
    return stoppedPublishing(await listAll(ctx, 'ListParticipantEvents', request, (page) => page.events));
  } catch {
    return false;
  }
}

interface Claims {
  resource?: unknown;
  whip_url?: unknown;
  capabilities?: { allow_subscribe?: unknown };
}

function claimsOf(token: string): Claims {
  try {
    return decodeJwt(token).payload as Claims;
  } catch (error) {
    throw new UsageError(`--token is not a participant token: ${error instanceof JwtFormatError ? error.message : 'not a JWT'}`);
  }
}

/** The participant `ref` (a participant id or a user id) names on the stage's current session: see choosePublisher. */
async function publisherOf(ctx: Context, stageArn: string, ref: string): Promise<Publisher> {
  const { stage } = await ctx.call('GetStage', { arn: stageArn });
  const sessionId = stage?.activeSessionId;
  if (!sessionId) throw new CliError(`PUBLISHER_NOT_FOUND: stage ${stageArn} has no session now, so nobody publishes there`, EXIT.service);
  const participants = await listAll(ctx, 'ListParticipants', { stageArn, sessionId, maxResults: 100 }, (page) => page.participants);
  const publisher = choosePublisher(participants, ref, sessionId);
  if (publisher) return publisher;
  throw new CliError(`PUBLISHER_NOT_FOUND: nobody with participant id or user id "${ref}" is on stage ${stageArn}'s current session`, EXIT.service);
}
