import { defineVerb, type Listing } from '../../src/cli/command.js';
import { completionScript, SCRIPT_FILES, type Shell } from '../../src/cli/completion/scripts.js';

const INSTALL: Record<Shell, string> = {
  bash: 'ivsrt completion bash > ~/.local/share/bash-completion/completions/ivsrt',
  zsh: 'ivsrt completion zsh > "${fpath[1]}/_ivsrt"',
  fish: 'ivsrt completion fish > ~/.config/fish/completions/ivsrt.fish',
};

const LOAD: Record<Shell, string> = {
  bash: 'source <(ivsrt completion bash)',
  zsh: 'source <(ivsrt completion zsh)',
  fish: 'ivsrt completion fish | source',
};

/** One verb per shell: `ivsrt completion <shell>` prints the script (the package also ships it as a file). */
export function scriptVerb(shell: Shell, listing: Listing) {
  return defineVerb({
    ...listing,
    description:
      `Prints the ${shell} completion script. It completes commands, flags, enum values and live resource names ` +
      '(stages, sessions, participants, compositions, configurations, public keys) by asking `ivsrt __complete`, honouring ' +
      `--region, --profile, --endpoint-url and --local typed earlier on the line. The package ships the same script as ${SCRIPT_FILES[shell]}.`,
    examples: [
      { command: LOAD[shell], description: 'load it in the current shell' },
      { command: INSTALL[shell], description: 'install it for every new shell' },
    ],
    async run(ctx) {
      ctx.io.stdout.write(completionScript(shell));
      return undefined;
    },
  });
}
