// What the `local` verbs share: which emulator they drive (the one --endpoint-url names, else the
// background instance), how a participant is named on the command line, and how one is shown.
import type { ArgSpec, Column, OptionSpec, Typed } from '../../src/cli/command.js';
import { endpointFromEnv } from '../../src/cli/config.js';
import { createContext, type Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { secretFromFlag } from '../../src/cli/io.js';
import { resolveReference } from '../../src/cli/resources.js';
import type { ParticipantRef } from '../../src/emulator/http/admin-contract.js';
import { AdminError, type AdminClient } from '../../src/local/admin-client.js';

export interface Emulator {
  admin: AdminClient;
  /** A context whose API calls go to the same emulator (for resolving stage names). */
  ctx: Context;
  url: string;
}

/** Whether the command line or the environment names an emulator: --endpoint-url, or AWS_ENDPOINT_URL_IVS_REALTIME/AWS_ENDPOINT_URL (what the fixture's cliEnv() sets). */
export function namesEmulator(ctx: Context): boolean {
  return ctx.globals.endpointUrl !== undefined || endpointFromEnv(ctx.env) !== undefined;
}

/** The emulator a `local` verb acts on; the background one is started when needed. */
export async function emulatorOf(ctx: Context): Promise<Emulator> {
  if (ctx.globals.region !== undefined || ctx.globals.profile !== undefined) {
    throw new UsageError('simulated participants exist only in the local emulator', 'Drop --region/--profile (or pass --endpoint-url to use an emulator you started).');
  }
  const local = namesEmulator(ctx) ? ctx : createContext({ io: ctx.io, env: ctx.env, globals: { ...ctx.globals, local: true } });
  const url = (await local.target()).endpoint!;
  const admin = await local.admin();
  await admin.status().catch((error: unknown) => {
    if ((error as Error).name === 'TimeoutError') throw error;
    if (error instanceof AdminError && error.status === 403) {
      throw new UsageError(`the emulator at ${url} refused its admin routes: ${error.message}`, 'Run this with the IVSRT_HOME of the `ivsrt local start` that runs it (its secret is in that state file), and with its --credentials if it has them.');
    }
    throw new UsageError(`${url} is not an ivsrt emulator`, "The local verbs need the emulator's /_ivsrt/ routes.");
  });
  return { admin, ctx: local, url };
}


/** The stage, positional as everywhere else; `--stage` stays as a hidden alias. */
export const STAGE_ARG = { name: 'stage', description: 'the stage (ARN, id or name)', optional: true, resource: 'stage' } as const satisfies ArgSpec;
export const STAGE_ALIAS = { flags: '--stage <stage>', description: 'the stage (the positional argument)', resource: 'stage', hidden: true } as const satisfies OptionSpec;

/** `STAGE PARTICIPANT`, or `--token`. */
export const PARTICIPANT_ARGS = [STAGE_ARG, { name: 'participant', description: 'the participant id (with the stage)', optional: true }] as const satisfies readonly ArgSpec[];

export const PARTICIPANT_OPTIONS = [
  { flags: '--token <token>', description: 'the token the participant joined with, instead of STAGE PARTICIPANT (- reads it from standard input, out of ps and shell history)' },
  STAGE_ALIAS,
  { flags: '--participant <id>', description: 'the participant id (the positional argument)', hidden: true },
] as const satisfies readonly OptionSpec[];

/** The participant named by --token, or by STAGE PARTICIPANT. */
/** What PARTICIPANT_ARGS and PARTICIPANT_OPTIONS give a verb once parsed. */
export type ParticipantFlags = Typed<typeof PARTICIPANT_OPTIONS, typeof PARTICIPANT_ARGS>;

export async function participantRef(emulator: Emulator, flags: ParticipantFlags): Promise<ParticipantRef> {
  if (flags.token !== undefined) {
    if (flags.stage !== undefined || flags.participant !== undefined) throw new UsageError('name the participant either with --token, or with STAGE PARTICIPANT, not both');
    return { token: await secretFromFlag(emulator.ctx.io, flags.token) };
  }
  if (flags.stage === undefined || flags.participant === undefined) {
    throw new UsageError('name the participant with STAGE PARTICIPANT (e.g. `studio AbCdEfGh1234`), or with --token');
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
