// TRIAL (reverted): a stand-in for an SDK release that adds an operation, GetStageCopy: GetStage under
// another name and path, built as the SDK builds GetStage's command. It only stands in for
// `npm update @aws-sdk/client-ivs-realtime`.
import type { GetStageCommand } from '@aws-sdk/client-ivs-realtime';
// @ts-expect-error: the SDK's own command module, which has no types beside it (the package's index would bring its aggregated client into the bundle)
import { GetStageCommand as GetStage } from '@aws-sdk/client-ivs-realtime/dist-es/commands/GetStageCommand.js';
import { Command } from '@smithy/core/client';
import { getEndpointPlugin } from '@smithy/core/endpoints';

const Original = GetStage as typeof GetStageCommand;
const [kind, namespace, , , input, output] = new Original({ arn: '' }).schema as unknown as [number, string, string, object, unknown, unknown];
type Instructions = Parameters<typeof getEndpointPlugin>[1];

export const GetStageCopyCommand = (Command.classBuilder() as unknown as {
  ep(p: unknown): { m(f: unknown): { s(a: string, b: string, c: object): { n(a: string, b: string): { sc(s: unknown): { build(): unknown } } } } };
})
  .ep(Original.getEndpointParameterInstructions())
  .m((CommandClass: typeof GetStageCommand, _stack: unknown, config: Parameters<typeof getEndpointPlugin>[0]) => [getEndpointPlugin(config, CommandClass.getEndpointParameterInstructions() as Instructions)])
  .s('AmazonInteractiveVideoServiceRealTime', 'GetStageCopy', {})
  .n('IVSRealTimeClient', 'GetStageCopyCommand')
  .sc([kind, namespace, 'GetStageCopy', { http: ['POST', '/GetStageCopy', 200] }, input, output])
  .build() as typeof GetStageCommand;
