import { defineVerb, yesOption } from '../../src/cli/command.js';
import { compositionArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Stop a composition',
  order: 20,
  operation: 'StopComposition',
  description: 'Stops a composition: its broadcast and recording end gracefully (STOPPING, then STOPPED) and it is removed a few minutes later.',
  examples: [{ command: 'ivsrt composition stop s2AdaGUbvQgp' }, { command: 'ivsrt composition stop arn:aws:ivs:us-east-1:123456789012:composition/s2AdaGUbvQgp --yes', description: 'in a script' }],
  args: [compositionArgument],
  options: [yesOption],
  confirm: (request) => `Stop composition ${String(request.arn)}? Its broadcast and recording end.`,
  output: { done: (typed) => `Stopping composition ${String(typed.composition)}; it is STOPPED once its destinations have finished` },
});
