import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { defineVerb, type OptionSpec, type Typed } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { CliError, ConfigError, EXIT, UsageError } from '../../src/cli/errors.js';
import { onOutputLost } from '../../src/cli/io.js';
import { checkOutputFile, makeOutputDir, readFlagFile } from '../../src/cli/files.js';
import { takeOverInterrupt } from '../../src/cli/signals.js';
import type { Credential } from '../../src/emulator/http/sigv4.js';
import type { ListenError } from '../../src/emulator/http/server.js';
import type { EventBusOptions } from '../../src/emulator/eventbridge/bus.js';
import { parseClockStart } from '../../src/emulator/state/clock.js';
import { isAccountId } from '../../src/emulator/domain/ids.js';
import { isRegion } from '../../src/model/arn.js';
import { DataDirError } from '../../src/emulator/state/storage/errors.js';
import { ivsrtHome } from '../../src/local/paths.js';

const OPTIONS = [
  { flags: '--host <address>', description: 'address to listen on', defaultValue: '127.0.0.1' },
  { flags: '--allow-host <name>', description: 'also answer requests addressed to this name (Host header), e.g. a container\'s service name, or `*.domain` (repeatable); any name but localhost, 127.0.0.1, [::1] and --host is refused (DNS rebinding)', parse: 'list' },
  { flags: '--port <port>', description: 'port to listen on (0 picks a free one)', parse: 'int', defaultValue: 4566 },
  { flags: '--data-dir <dir>', description: 'keep state in this directory (lmdb; each reply waits for its commit to reach the disk)' },
  { flags: '--s3-dir <dir>', description: 'stands in for S3: WHIP publishers on recording stages are recorded to DIR/<bucket>/<recordingS3Prefix> (HLS with ffmpeg)' },
  { flags: '--clock-speed <factor>', description: 'run timers (composition start, idle stop, purge) this many times faster', parse: 'float' },
  { flags: '--clock-start <time>', description: "start the emulator's clock at this ISO 8601 time, e.g. 2030-01-01T00:00:00Z: resource times, events and recordings follow it (default: now, or where the data dir's clock stood)" },
  { flags: '--clock-frozen', description: 'start with the clock stopped: only `ivsrt local clock --advance` moves it (for tests)' },
  { flags: '--background', description: 'start it as the background emulator that plain ivsrt commands use, with these flags, and return once it is ready' },
  { flags: '--credentials <key:secret>', description: 'accept only these credentials and verify signatures (repeatable; visible in `ps`: prefer --credentials-file or $IVSRT_CREDENTIALS)', parse: 'list' },
  { flags: '--credentials-file <path>', description: 'read KEY:SECRET lines from this file (same effect as --credentials)' },
  { flags: '--region <region>', description: 'region written into ARNs (default us-east-1)' },
  { flags: '--account-id <id>', description: 'the 12-digit account written into ARNs and event envelopes, say your own so ARNs look like production (default 123456789012)' },
  { flags: '--throttle', description: "enforce the service's per-operation rate limits (5 TPS for most operations): 429 TooManyRequestsException beyond them (also IVSRT_THROTTLE=1)" },
  { flags: '--seed <file>', description: 'load stages, configurations and public keys from a seed file (docs/testing.md) before serving' },
  { flags: '--event-target <url|exec:command>', description: 'deliver every IVS event here: POST the envelope to a URL, or run a command with it on stdin (repeatable)', parse: 'list' },
  { flags: '--event-rules <file>', description: 'EventBridge patterns paired with targets, and the retry policy (JSON; see docs/events.md)' },
  { flags: '--event-retry <policy>', description: 'retry policy, e.g. attempts=185,max-age=24h (the EventBridge default)' },
  { flags: '--event-dead-letter <file>', description: 'NDJSON file for events that still fail after the retries (default: dead-letter.ndjson in the data directory, or in IVSRT_HOME without one)' },
  { flags: '--event-faults <faults>', description: 'faults AWS warns about, all off by default: duplicate=P,reorder=P,drop=P,delay=DURATION' },
  { flags: '--event-seed <n>', description: 'seed for --event-faults (same seed, same faults)', parse: 'int' },
  { flags: '--event-extras', description: 'also emit the events and fields no AWS source shows (replication events, Token Exchanged, the composite recording events, error_code, destination_id; docs/events.md "Extras"), off by default' },
] as const satisfies readonly OptionSpec[];

type Options = Typed<typeof OPTIONS>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** `KEY:SECRET` pairs, one per line (or comma-separated); blank lines and `#` comments are skipped. */
function parsePairs(text: string, source: string): Credential[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pair) => {
      const colon = pair.indexOf(':');
      // The secret is never echoed back, even in an error.
      if (colon <= 0 || colon === pair.length - 1) throw new UsageError(`${source} must hold ACCESS_KEY_ID:SECRET pairs, got "${pair.slice(0, Math.max(colon, 0)) || '?'}:***"`);
      return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
    });
}

function readCredentials(options: Options, env: NodeJS.ProcessEnv): Credential[] | undefined {
  const all: Credential[] = [];
  for (const pair of options.credentials ?? []) all.push(...parsePairs(pair, '--credentials'));
  if (options.credentialsFile !== undefined) {
    all.push(...parsePairs(readFlagFile('--credentials-file', options.credentialsFile), '--credentials-file'));
  }
  if (env.IVSRT_CREDENTIALS) all.push(...parsePairs(env.IVSRT_CREDENTIALS, 'IVSRT_CREDENTIALS'));
  return all.length > 0 ? all : undefined;
}

export const verb = defineVerb({
  summary: 'Run the local emulator in the foreground',
  order: 10,
  description:
    'Runs the local IVS real-time emulator in the foreground until Ctrl-C or SIGTERM. It prints a line with its endpoint URL once ready (with --json, one JSON object: url, pid, dataDir, region, accountId). Any AWS SDK or the AWS CLI can use it with --endpoint-url. With --data-dir every acknowledged change is stored in an lmdb database there and survives a crash; without it, state lives in memory. Requests must be SigV4-signed; with credentials (--credentials, --credentials-file or $IVSRT_CREDENTIALS) only those keys are accepted and signatures are verified as the service does. The emulator\'s own /_ivsrt/ routes take a per-instance secret that is written to a state file under IVSRT_HOME (mode 0600) and nowhere else.',
  examples: [
    { command: 'ivsrt local start', description: 'on port 4566' },
    { command: 'ivsrt local start --port 0 --data-dir ./ivs-data', description: 'a free port, durable state' },
    { command: 'ivsrt local start --credentials-file ./keys --clock-speed 60', description: 'verify signatures with the KEY:SECRET lines of ./keys (kept out of `ps`), timers 60× faster' },
    { command: 'ivsrt local start --port 0 --clock-start 2030-01-01T00:00:00Z', description: 'the emulator lives on 1 January 2030, whatever the date: times in the API, events and recordings follow its clock' },
    { command: 'ivsrt local start --port 0 --seed seed.json', description: 'start with the stages and configurations of a seed (`ivsrt local export` writes one)' },
    { command: 'ivsrt local start --event-target http://localhost:3000/ivs-events', description: 'POST every IVS event to your webhook' },
    { command: 'ivsrt local start --background --s3-dir ./recordings', description: 'the background emulator, recording WHIP publishers to ./recordings' },
    { command: 'ivsrt local start --port 0 --clock-frozen', description: 'for a test suite: time moves only with `ivsrt local clock --advance`' },
    { command: 'ivsrt local start --event-rules rules.json --event-faults duplicate=0.2,reorder=0.3 --event-seed 42', description: 'rules, and the faults AWS warns about' },
  ],
  options: OPTIONS,
  async run(ctx, options) {
    if (options.port !== undefined && (options.port < 0 || options.port > 65535)) throw new UsageError(`--port must be from 0 to 65535, got ${options.port}`);
    if (options.clockSpeed !== undefined && !(options.clockSpeed > 0)) throw new UsageError('--clock-speed must be a positive number');
    const clockStart = options.clockStart === undefined ? undefined : parseClockStart(options.clockStart);
    if (typeof clockStart === 'object') throw new UsageError(`--clock-start ${clockStart.error}`);
    if (options.accountId !== undefined && !isAccountId(options.accountId)) throw new UsageError(`--account-id must be 12 digits, got ${options.accountId}`);
    const region = options.region ?? ctx.globals.region;
    if (region !== undefined && !isRegion(region)) throw new UsageError(`--region must be a region name such as us-east-1 (lower-case letters, digits and -), got "${region}"`);
    // Where recordings and dead letters go is checked now, not when the first recording or dead letter fails.
    if (options.s3Dir !== undefined) makeOutputDir('--s3-dir', options.s3Dir);
    if (options.eventDeadLetter !== undefined) checkOutputFile('--event-dead-letter', options.eventDeadLetter);
    if (options.background) return startInBackground(ctx, options);
    const credentials = readCredentials(options, ctx.env);
    // [::1] is how an IPv6 address is written in a URL; listen() takes it bare.
    const host = (options.host ?? '127.0.0.1').replace(/^\[(.*:.*)\]$/, '$1');
    // 999.1.1.1 would go to DNS as a name and come back "not found"; it is no address at all.
    if (/^[\d.]+$/.test(host) ? !isIP(host) : host.includes(':') && !isIP(host)) {
      throw new UsageError(`--host must be an IP address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for every interface) or a host name, got "${options.host}"`);
    }
    if (!credentials && !LOOPBACK_HOSTS.has(host)) {
      ctx.info(`warning: listening on ${host} without credentials: anyone who can reach this port can call the API with any signature (pass --credentials-file or set IVSRT_CREDENTIALS)`);
    }
    const seed = options.seed === undefined ? undefined : { text: readSeed(options.seed), source: options.seed };
    const events = await eventOptions(options, options.dataDir ?? ivsrtHome(ctx.env));
    const { runForeground } = await import('../../src/local/foreground.js');
    takeOverInterrupt();
    // A reader that went away (`ivsrt local start | head -1`) ends the emulator as SIGTERM does, closing it and
    // removing its state files, rather than exiting mid-write and leaving them (and the registration) behind.
    let lost: NodeJS.ErrnoException | undefined;
    onOutputLost((error) => {
      if (lost) return;
      lost = error;
      process.kill(process.pid, 'SIGTERM');
    });
    await runForeground(
      // register: with no background emulator recorded, this one serves --local and `ivsrt local status`.
      {
        host,
        allowHosts: options.allowHost,
        port: options.port,
        dataDir: options.dataDir,
        s3Dir: options.s3Dir === undefined ? undefined : resolve(options.s3Dir),
        clock: { speed: options.clockSpeed, frozen: options.clockFrozen, start: clockStart },
        credentials,
        region,
        accountId: options.accountId,
        throttle: options.throttle === true || ctx.env.IVSRT_THROTTLE === '1',
        // A secret fixed by the environment (e.g. for clients on another IVSRT_HOME); else a fresh one.
        adminSecret: ctx.env.IVSRT_ADMIN_SECRET || undefined,
        env: ctx.env,
        register: true,
        admin: (url) => ctx.adminAt(url),
        seed,
        events,
      },
      {
        // With --json, one JSON line a script can parse (it stays up, so there is no response to print).
        ready: (info) =>
          ctx.io.stdout.write(ctx.globals.json ? `${JSON.stringify(info)}\n` : `ivsrt local emulator listening on ${info.url} (${info.dataDir ? `data: ${info.dataDir}` : 'memory only'})\n`),
        err: (line) => ctx.io.stderr.write(`${line}\n`),
      },
    ).catch((error: unknown) => {
      if (error instanceof Error && error.name === 'SeedError') throw new UsageError(`--seed ${error.message}`);
      if (error instanceof Error && error.name === 'ListenError') throw listenError(error as ListenError);
      // A data dir in use or damaged is a configuration problem: one line, a hint, exit 253.
      throw error instanceof DataDirError ? new ConfigError(error.message, error.hint) : error;
    });
    // A reader that left is no failure (exit 0, as for every command); output that could not be written is.
    if (lost && lost.code !== 'EPIPE') throw new CliError(`could not write the output: ${lost.code ?? lost.message}; the emulator was stopped`, EXIT.other);
    return undefined;
  },
});

/** Why the server could not listen, as one line naming the flag at fault: a problem of this machine, exit 253. */
function listenError(error: ListenError): ConfigError {
  const port = ['EADDRINUSE', 'EACCES'].includes(error.code);
  return new ConfigError(
    `${port ? `--port ${error.port}` : `--host ${error.host}`}: ${error.message}`,
    port ? 'Stop what listens there, or pass another --port (0 picks a free one).' : 'Pass an address this machine has: 127.0.0.1, or 0.0.0.0 for every interface.',
  );
}

function readSeed(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--seed ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** The --event-* flags as the event bus's options; a bad one is a usage error naming it. */
async function eventOptions(options: Options, stateDir: string): Promise<EventBusOptions> {
  const { deliveryConfig, RulesError } = await import('../../src/emulator/eventbridge/rules.js');
  const { parseFaults, FaultSpecError } = await import('../../src/emulator/eventbridge/faults.js');
  try {
    return {
      delivery: deliveryConfig(
        { targets: options.eventTarget, rulesFile: options.eventRules, retry: options.eventRetry, deadLetterFile: options.eventDeadLetter },
        join(stateDir, 'dead-letter.ndjson'),
      ),
      faults: parseFaults(options.eventFaults, options.eventSeed ?? 0),
      extras: options.eventExtras === true,
    };
  } catch (error) {
    if (error instanceof RulesError || error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
}

/** The flags that carry over to the background emulator, as it would be started by hand. */
const BACKGROUND_FLAGS: [keyof Options, string][] = [
  ['allowHost', '--allow-host'],
  ['s3Dir', '--s3-dir'],
  ['clockSpeed', '--clock-speed'],
  ['clockFrozen', '--clock-frozen'],
  ['clockStart', '--clock-start'],
  ['region', '--region'],
  ['accountId', '--account-id'],
  ['throttle', '--throttle'],
  ['seed', '--seed'],
  ['credentialsFile', '--credentials-file'],
  ['eventTarget', '--event-target'],
  ['eventRules', '--event-rules'],
  ['eventRetry', '--event-retry'],
  ['eventDeadLetter', '--event-dead-letter'],
  ['eventFaults', '--event-faults'],
  ['eventSeed', '--event-seed'],
  ['eventExtras', '--event-extras'],
];

/** `--background`: the background emulator, started detached with these flags (paths made absolute), unless one runs. */
async function startInBackground(ctx: Context, options: Options): Promise<Record<string, unknown>> {
  const refused = (['port', 'host', 'dataDir', 'credentials'] as const).find((k) => options[k] !== undefined && !(k === 'port' && options.port === 4566) && !(k === 'host' && options.host === '127.0.0.1'));
  if (refused) throw new UsageError(`--${refused.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not go with --background: the background emulator picks a free port and keeps its state in IVSRT_HOME`);
  const { ensureLocalEmulator, statusLocal } = await import('../../src/local/background.js');
  const running = await statusLocal({ env: ctx.env, admin: (url) => ctx.adminAt(url) });
  if (running.running) throw new UsageError(`the background emulator is already running at ${running.url}`, 'Stop it first (`ivsrt local stop`) to start it with other flags; its state is kept.');
  const paths = new Set<keyof Options>(['s3Dir', 'seed', 'credentialsFile', 'eventRules', 'eventDeadLetter']);
  const extraArgs: string[] = [];
  // `ivsrt --region eu-west-1 local start --background` names the region as the foreground start takes it.
  const given: Options = { ...options, region: options.region ?? ctx.globals.region };
  for (const [key, flag] of BACKGROUND_FLAGS) {
    const value = given[key];
    if (value === undefined || value === false) continue;
    if (value === true) extraArgs.push(flag);
    else for (const one of Array.isArray(value) ? value : [value]) extraArgs.push(flag, paths.has(key) ? resolve(String(one)) : String(one));
  }
  const url = await ensureLocalEmulator({ env: ctx.env, admin: (url) => ctx.adminAt(url), extraArgs, timeoutMs: 30_000 });
  ctx.info(`The background emulator listens on ${url}${options.s3Dir ? `, recording to ${resolve(options.s3Dir)}` : ''} (\`ivsrt local stop\` stops it).`);
  return { url, s3Dir: options.s3Dir === undefined ? null : resolve(options.s3Dir) };
}
