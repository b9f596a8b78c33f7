// The composition root: the one module that joins the framework (src/cli) to the commands it runs.
// Nothing else imports the registry; main, help, docs and completion are given it from here.
import { registry } from '../../commands/index.js';
import { main as run } from './main.js';

export function main(argv: string[]): Promise<number> {
  return run(registry, argv);
}
