import type { AnyVerb, Column, OptionSpec, OutputSpec } from '../../src/cli/command.js';
import { sendOperation } from '../../src/cli/operation.js';
import type { Context } from '../../src/cli/context.js';
import { idOf } from '../shared/config-verbs.js';

export const ingestColumns: Column[] = [
  { header: 'NAME', field: 'name' },
  { header: 'ID', field: 'arn', value: (row) => idOf(row.arn) },
  { header: 'PROTOCOL', field: 'ingestProtocol' },
  { header: 'STATE', field: 'state', format: 'state' },
  { header: 'STAGE', field: 'stageArn', value: (row) => idOf(row.stageArn) || undefined },
  { header: 'PARTICIPANT', field: 'participantId' },
  { header: 'USER ID', field: 'userId' },
];

export const showStreamKeyOption = {
  flags: '--show-stream-key',
  description: 'print the stream key (a secret: anyone with it can publish to the stage) in the table or TSV too',
} as const satisfies OptionSpec;

/**
 * One ingest configuration, its stream keys kept out of tables and TSV unless --show-stream-key is
 * given; --json and --query print the response as the API sent it.
 */
export const ingestOutput: OutputSpec = {
  root: 'ingestConfiguration',
  columns: ingestColumns,
  conceal: (options) => (options.showStreamKey ? [] : ['streamKey']),
};

/** Sends the verb's operation, then tells a person at a terminal where the hidden stream key went. */
export async function sendNoticingStreamKey(ctx: Context, verb: AnyVerb, options: Record<string, unknown>): Promise<unknown> {
  const result = await sendOperation(ctx, verb, options);
  if (!options.showStreamKey && !ctx.globals.json && ctx.globals.query === undefined && ctx.io.stderrIsTTY) {
    ctx.info('The stream key is hidden; add --show-stream-key to print it (or use --json).');
  }
  return result;
}
