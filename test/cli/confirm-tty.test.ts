// Destructive verbs ask on a terminal, as a person would see it (tmux): y goes ahead, anything else
// changes nothing and ends with 130.
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorBed } from '../helpers/bed.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';

if (!hasTmux) console.warn('skipping the terminal confirmation tests: tmux is not installed (apt-get install -y tmux)');

const bed = emulatorBed();
const terminals: Terminal[] = [];
afterAll(async () => {
  await Promise.all(terminals.map((t) => t.close()));
});

async function deleteAnswering(name: string, answer: string): Promise<string> {
  const terminal = new Terminal(`confirm-${name}`, { columns: 120, rows: 10 });
  terminals.push(terminal);
  await terminal.start(['sh', '-c', `"$0" "$1" stage delete ${name} --endpoint-url ${bed.emu.url}; echo "EXIT=$?"; sleep 30`, process.execPath, BIN], testEnv({ TERM: 'xterm' }));
  await terminal.waitFor(/Delete stage arn:aws:ivs:[^ ]+\? \[y\/N\]/, 'the question');
  await terminal.send(answer, 'Enter');
  return terminal.waitFor(/EXIT=\d+/, 'the exit status');
}

describe.skipIf(!hasTmux)('confirmation on a terminal', () => {
  it('y deletes the stage', async () => {
    await bed.api('CreateStage', { name: 'say-yes' });
    expect(await deleteAnswering('say-yes', 'y')).toContain('EXIT=0');
    expect((await bed.cli(['stage', 'get', 'say-yes'])).code).toBe(254);
  });

  it('anything else keeps it and exits 130', async () => {
    await bed.api('CreateStage', { name: 'say-no' });
    const screen = await deleteAnswering('say-no', 'n');
    expect(screen).toContain('not confirmed: nothing was changed');
    expect(screen).toContain('EXIT=130');
    expect((await bed.cli(['stage', 'get', 'say-no'])).code).toBe(0);
  });
});
