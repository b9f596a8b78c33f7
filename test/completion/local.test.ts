// Completion against the background emulator: it uses a running one, and never starts one.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { statusLocal } from '../../src/local/background.js';
import { backgroundHome } from '../helpers/children.js';
import { readInstanceState } from '../../src/local/instance.js';
import { ADMIN_SECRET_HEADER } from '../../src/emulator/http/admin-secret.js';

let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = backgroundHome('complete-local');
  // No AWS configuration: ivsrt's default target is the background emulator.
  env = { IVSRT_HOME: home, HOME: home, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' };
});

describe('__complete and the background emulator', () => {
  it('offers nothing and starts nothing while no emulator runs', async () => {
    const result = await runCli(['__complete', '--local', 'stage', 'get', ''], { env });
    expect(result.stdout).toBe(':4\n');
    expect(result.stderr).toContain('not running');
    expect(existsSync(join(home, 'local.json'))).toBe(false);
  });

  it('lists stages of the running emulator, session ids of a stage, and caches the answer', async () => {
    const created = await runCli(['stage', 'create', '--name', 'loc', '--json'], { env });
    expect(created.code, created.stderr).toBe(0);
    expect((await statusLocal({ env: { IVSRT_HOME: home } })).running).toBe(true);
    const stageArn = created.json().stage.arn;

    const stages = await runCli(['__complete', 'stage', 'get', 'l'], { env });
    expect(stages.stdout).toBe(`loc\t${stageArn}\n:36\n`);

    const admin = (await statusLocal({ env: { IVSRT_HOME: home } })).url!;
    const joined = await fetch(`${admin}/_ivsrt/join`, { method: 'POST', headers: { 'content-type': 'application/json', [ADMIN_SECRET_HEADER]: readInstanceState(admin, { IVSRT_HOME: home })!.adminSecret }, body: JSON.stringify({ stageArn, userId: 'ana' }) });
    const { sessionId, participant } = (await joined.json()) as { sessionId: string; participant: { participantId: string } };
    const sessions = await runCli(['__complete', 'participant', 'list', 'loc', '--session', ''], { env });
    expect(sessions.stdout.split('\n')[0]).toMatch(new RegExp(`^${sessionId}\tactive since `));
    const participants = await runCli(['__complete', 'participant', 'get', 'loc', '--session', sessionId, ''], { env });
    expect(participants.stdout).toBe(`${participant.participantId}\tana CONNECTED\n:36\n`);
    // Without --session: the active session's participants, as the command itself would use.
    expect((await runCli(['__complete', 'participant', 'get', 'loc', ''], { env })).stdout).toBe(participants.stdout);

    // A new stage appears only after the 30-second cache entry expires.
    await runCli(['stage', 'create', '--name', 'later'], { env });
    expect((await runCli(['__complete', 'stage', 'get', 'l'], { env })).stdout).toBe(`loc\t${stageArn}\n:36\n`);
  });
});
