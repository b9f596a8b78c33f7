// What the `local` verbs share: which emulator they drive (the one --endpoint-url names, else the
// background instance), how a participant is named on the command line, and how one is shown.
import type { Column, OptionSpec } from '../../src/cli/command.js';
import { createContext, type Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { readStdinValue } from '../../src/cli/io.js';
import { resolveReference } from '../../src/cli/resources.js';
import { AdminClient, AdminError, type AdminClientOptions, type ParticipantRef } from '../../src/local/admin-client.js';
import { readInstanceState } from '../../src/local/instance.js';

export interface Emulator {
  admin: AdminClient;
  /** A context whose API calls go to the same emulator (for resolving stage names). */
  ctx: Context;
  url: string;
}

/** The emulator a `local` verb acts on; the background one is started when needed. */
export async function emulatorOf(ctx: Context): Promise<Emulator> {
  if (ctx.globals.region !== undefined || ctx.globals.profile !== undefined) {
    throw new UsageError('simulated participants exist only in the local emulator', 'Drop --region/--profile (or pass --endpoint-url to use an emulator you started).');
  }
  const named = ctx.globals.endpointUrl !== undefined;
  const local = named ? ctx : createContext({ io: ctx.io, env: ctx.env, globals: { ...ctx.globals, local: true } });
  const url = (await local.target()).endpoint!;
  const instance = readInstanceState(url, ctx.env);
  const admin = new AdminClient(url, { env: ctx.env, signWith: instance?.adminSigned ? await signingOf(local, instance.region) : undefined });
  await admin.status().catch((error: unknown) => {
    if (error instanceof AdminError && error.status === 403) {
      throw new UsageError(`the emulator at ${url} refused its admin routes: ${error.message}`, 'Run this with the IVSRT_HOME of the `ivsrt local start` that runs it (its secret is in that state file), and with its --credentials if it has them.');
    }
    throw new UsageError(`${url} is not an ivsrt emulator`, "The local verbs need the emulator's /_ivsrt/ routes.");
  });
  return { admin, ctx: local, url };
}

/** The credentials the context's API calls are signed with, for an emulator that verifies signatures (in its region). */
async function signingOf(ctx: Context, region: string): Promise<AdminClientOptions['signWith']> {
  const client = await ctx.client();
  return { credentials: () => client.config.credentials(), region };
}

export interface ParticipantFlags {
  token?: string;
  stage?: string;
  participant?: string;
}

export const PARTICIPANT_OPTIONS: OptionSpec[] = [
  { flags: '--token <token>', description: 'the token the participant joined with (- reads it from standard input)' },
  { flags: '--stage <stage>', description: 'the stage (ARN, id or name), with --participant', resource: 'stage' },
  { flags: '--participant <id>', description: 'the participant id, with --stage' },
];

export async function readToken(ctx: Context, token: string): Promise<string> {
  return token === '-' ? readStdinValue(ctx.io, 'the participant token') : token;
}

/** The participant named by --token, or by --stage and --participant. */
export async function participantRef(emulator: Emulator, flags: ParticipantFlags): Promise<ParticipantRef> {
  if (flags.token !== undefined) {
    if (flags.stage !== undefined || flags.participant !== undefined) throw new UsageError('pass either --token, or --stage with --participant, not both');
    return { token: await readToken(emulator.ctx, flags.token) };
  }
  if (flags.stage === undefined || flags.participant === undefined) {
    throw new UsageError('name the participant with --token, or with --stage and --participant');
  }
  return { stageArn: await resolveReference(emulator.ctx, 'stage', flags.stage), participantId: flags.participant };
}

export const PARTICIPANT_COLUMNS: Column[] = [
  { header: 'PARTICIPANT', field: 'participantId' },
  { header: 'USER', field: 'userId' },
  { header: 'STATE', field: 'state', format: 'state' },
  { header: 'PUBLISHED', field: 'published', format: 'bool' },
  { header: 'PROTOCOL', field: 'protocol' },
  { header: 'JOINED', field: 'firstJoinTime' },
];
