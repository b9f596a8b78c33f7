// The watch and demo screens as a newcomer sees them, in a real terminal (tmux, TERM=xterm-256color):
// colour as every other command decides it, the endpoint named in the header, a "terminal too small"
// screen, participants who left ageing out of the table (a brings them back), and Ctrl-C ending the demo
// with its summary. Skipped where tmux is not installed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundHome } from '../helpers/children.js';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { adminHeaders, spawnEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';
import { Terminal, hasTmux } from '../helpers/terminal.js';

if (!hasTmux) console.warn('skipping the watch/demo terminal tests: tmux is not installed (apt-get install -y tmux)');

/** Any SGR sequence that sets a foreground colour (30-37, 90-97, 38;5;n). */
const COLOUR = /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)(?:;[0-9;]*)?m/;

/** What a person's shell would have: PATH, HOME, a 256-colour TERM, and the test's AWS isolation. */
function terminalEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = testEnv(extra);
  const kept: NodeJS.ProcessEnv = { TERM: 'xterm-256color' };
  for (const [k, v] of Object.entries(env)) if (/^(AWS_|IVSRT_|PATH$|HOME$|LANG$|LC_|NO_COLOR$)/.test(k)) kept[k] = v;
  return kept;
}

let emu: SpawnedEmulator;
beforeAll(async () => {
  if (hasTmux) emu = await spawnEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

async function joinStage(stageArn: string, userId: string): Promise<string> {
  const res = await fetch(`${emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ stageArn, userId }) });
  return ((await res.json()) as { participant: { participantId: string } }).participant.participantId;
}

async function leave(stageArn: string, participantId: string): Promise<void> {
  await fetch(`${emu.url}/_ivsrt/leave`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ stageArn, participantId }) });
}

describe.skipIf(!hasTmux)('ivsrt watch on a 256-colour terminal', () => {
  it('is coloured like stage list, says "local emulator", and shows a "too small" screen below 60x16', async () => {
    const home = backgroundHome('watch-home');
    const env = terminalEnv({ IVSRT_HOME: home });
    const created = await runCli(['stage', 'create', '--name', 'colours', '--local'], { env: { IVSRT_HOME: home } });
    expect(created.code, created.stderr).toBe(0);
    const t = new Terminal('colours', { columns: 100, rows: 30 });
    try {
      await t.start(['sh', '-c', `"${process.execPath}" "${BIN}" watch colours --local --interval 0.5; echo "EXITED:$?"; sleep 30`], env);
      const text = await t.waitFor(/ivsrt watch colours · local emulator/, 'the header naming the local emulator');
      expect(text).toMatch(/\bok\b/);
      const coloured = await t.tmux('capture-pane', '-e', '-p', '-t', 'colours');
      expect(coloured, 'colour codes on screen').toMatch(COLOUR);

      await t.tmux('resize-window', '-t', 'colours', '-x', '40', '-y', '10');
      const small = await t.waitFor(/Terminal too small \(40x10\)/, 'the too-small screen');
      expect(small).toContain('needs at least 60x16');
      expect(small).not.toContain('Participants');

      await t.tmux('resize-window', '-t', 'colours', '-x', '100', '-y', '30');
      await t.waitFor(/Participants \(/, 'the view back at full size');
      await t.send('q');
      expect(await t.waitFor(/EXITED:/, 'the watch to end')).toContain('EXITED:0');
    } finally {
      await t.close();
    }
  }, 60_000);

  it('with NO_COLOR there is no colour at all', async () => {
    const created = await runCli(['stage', 'create', '--name', 'plain', '--json'], { endpoint: emu.url });
    const { stage } = created.json() as { stage: { arn: string } };
    const t = new Terminal('plain', { columns: 100, rows: 30 });
    try {
      await t.start([process.execPath, BIN, 'watch', stage.arn, '--endpoint-url', emu.url], terminalEnv({ NO_COLOR: '1' }));
      await t.waitFor(/ivsrt watch plain · endpoint http:\/\/127\.0\.0\.1:\d+/, 'the header naming the endpoint');
      expect(await t.tmux('capture-pane', '-e', '-p', '-t', 'plain')).not.toMatch(COLOUR);
      await t.send('q');
    } finally {
      await t.close();
    }
  }, 30_000);

  it('participants who left drop out of the table after a few polls; a shows them again', async () => {
    const r = await runCli(['stage', 'create', '--name', 'ageing', '--json'], { endpoint: emu.url });
    const stageArn = r.json().stage.arn as string;
    const stay = await joinStage(stageArn, 'stayer');
    const gone = [await joinStage(stageArn, 'leaver-1'), await joinStage(stageArn, 'leaver-2')];
    const t = new Terminal('ageing', { columns: 100, rows: 30 });
    try {
      await t.start([process.execPath, BIN, 'watch', stageArn, '--endpoint-url', emu.url, '--interval', '0.5'], terminalEnv({}));
      await t.waitFor(/Participants \(3 connected/, 'three connected');
      for (const id of gone) await leave(stageArn, id);
      await t.waitFor(/leaver-1 .*DISCONNECTED/, 'the leavers shown as they leave');
      const aged = await t.waitFor(/Participants \(1 connected, 1 listed, 2 who left hidden \(a shows them\)\)/, 'the leavers ageing out');
      expect(aged).not.toMatch(/leaver-\d .*DISCONNECTED/);
      expect(aged).toContain(stay);
      await t.send('a');
      const all = await t.waitFor(/Participants \(1 connected, 3 listed\)/, 'everyone shown after a');
      expect(all).toMatch(/leaver-1 .*DISCONNECTED/);
      await t.send('q');
    } finally {
      await t.close();
    }
  }, 40_000);
});

describe.skipIf(!hasTmux)('ivsrt demo on a terminal', () => {
  it('Ctrl-C ends the demo with the same summary as q', async () => {
    const dir = scratchDir('demo-ctrl-c');
    const env = terminalEnv({ IVSRT_HOME: join(dir, 'home'), IVSRT_ADMIN_SECRET: emu.adminSecret });
    const t = new Terminal('demo-ctrl-c', { columns: 120, rows: 40 });
    try {
      await t.start(['sh', '-c', `"${process.execPath}" "${BIN}" demo --participants 3 --endpoint-url ${emu.url}; echo "EXIT=$?"; sleep 30`], env);
      await t.waitFor(/Participants \(3 connected/, 'the demo crowd on screen');
      await t.send('C-c');
      const out = await t.waitFor(/EXIT=\d+/, 'the demo to end');
      expect(out, out).toContain('EXIT=0');
      expect(out).toMatch(/joined\s+\d+/);
      expect(out).toMatch(/connectedAtEnd\s+0/);
    } finally {
      await t.close();
    }
  }, 40_000);
});

describe.skipIf(!hasTmux)('token decode - at a terminal', () => {
  it('prompts for the token instead of waiting silently, then decodes what is pasted', async () => {
    const created = await runCli(['stage', 'create', '--name', 'paste', '--json'], { endpoint: emu.url });
    const token = (await runCli(['token', 'create', created.json().stage.arn, '--user-id', 'pasted', '--query', 'participantToken.token'], { endpoint: emu.url })).stdout.trim();
    const t = new Terminal('decode', { columns: 200, rows: 40 });
    try {
      await t.start(['sh', '-c', `"${process.execPath}" "${BIN}" token decode - --query claims.user_id; echo "EXIT=$?"; sleep 30`], terminalEnv({}));
      await t.waitFor(/Paste a participant token and press Enter:/, 'the prompt');
      await t.send('-l', token);
      await t.send('Enter');
      const out = await t.waitFor(/EXIT=\d+/, 'the decode to finish');
      expect(out).toContain('pasted');
      expect(out).toContain('EXIT=0');
    } finally {
      await t.close();
    }
  }, 30_000);
});
