// The shape most stage-activity verbs share: a stage (name, id or ARN) and a session that defaults to
// the stage's active one.
import type { ArgSpec, Column, OptionSpec, Verb } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';

/** The stage of a session-scoped request (`stageArn`, unlike GetStage's `arn`). */
export const stageArgument: ArgSpec = { name: 'stage', description: 'stage name, id or ARN', field: 'stageArn', resource: 'stage' };

/** Every session and participant verb names a session the same way: --session, else the active one. */
export const sessionOption: OptionSpec = { flags: '--session <id>', description: "session id (st-...); default: the stage's active session", field: 'sessionId' };

export const sessionColumns: Column[] = [
  { header: 'SESSION ID', field: 'sessionId' },
  { header: 'START', field: 'startTime' },
  { header: 'END', field: 'endTime' },
];

/** A well-formed session id that stands in for the active one while the request is checked. */
const SESSION_STAND_IN = 'st-activeSession';

/** The active session id of a stage, or a usage error saying how to name one. */
export async function activeSessionOf(ctx: Context, stageArn: string, typed: string): Promise<string> {
  const { stage } = (await ctx.call('GetStage', { arn: stageArn })) as { stage?: { activeSessionId?: string } };
  const id = stage?.activeSessionId;
  if (!id) {
    throw new UsageError(
      `stage ${typed} has no active session (nobody is on it), so name a session with --session <id>`,
      `Its past sessions and their ids: \`ivsrt session list ${typed}\`.`,
    );
  }
  return id;
}

/**
 * Spread into a verb whose request has `stageArn` and `sessionId`: when the session is left out, it is
 * the stage's active session (one GetStage once the stage name is resolved).
 */
export const activeSessionDefault: Pick<Verb, 'prepare' | 'filledLater'> = {
  filledLater: { sessionId: SESSION_STAND_IN },
  async prepare(ctx, request, options) {
    if (request.sessionId !== undefined) return;
    request.sessionId = await activeSessionOf(ctx, String(request.stageArn), String(options.stage ?? request.stageArn));
  },
};
