// The shape most stage-activity verbs share: a stage (name, id or ARN) and a session that defaults to
// the stage's active one.
import type { ArgSpec, Column, OptionSpec } from '../../src/cli/command.js';
import type { Context } from '../../src/cli/context.js';
import { UsageError } from '../../src/cli/errors.js';
import { referenceArgument } from '../shared/arguments.js';

/** The stage of a session-scoped request (`stageArn`, unlike GetStage's `arn`). */
export const stageArgument: ArgSpec = referenceArgument('stage', 'stageArn');

/** The active session id of a stage, or a usage error saying how to name one. */
export async function activeSessionOf(ctx: Context, stageArn: string, typed: string): Promise<string> {
  const { stage } = await ctx.call('GetStage', { arn: stageArn });
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
 * Every session and participant verb names a session the same way: --session, else the stage's active
 * session (one GetStage once the stage name is resolved).
 */
export const sessionOption = {
  flags: '--session <id>',
  description: "session id (st-...); default: the stage's active session",
  field: 'sessionId',
  fallback: (ctx, request, typed) => activeSessionOf(ctx, String(request.stageArn), String(typed.stage ?? request.stageArn)),
} as const satisfies OptionSpec;

export const sessionColumns: Column[] = [
  { header: 'SESSION ID', field: 'sessionId' },
  { header: 'START', field: 'startTime' },
  { header: 'END', field: 'endTime' },
];
