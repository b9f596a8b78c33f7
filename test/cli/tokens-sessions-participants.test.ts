// token create, session list/get and participant list/get/events/disconnect end to end: the real bin
// against a spawned emulator, with simulated participants put on stages through its admin routes.
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { joinWith } from '../helpers/activity.js';
import { emulatorBed } from '../helpers/bed.js';

const bed = emulatorBed();
const { cli, api } = bed;

const ANSI = /\x1b\[/;
const STRIP = /\x1b\[[0-9;]*m/g;
const A_STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCD1234';

let stageArn: string;
let sessionId: string;
/** alice: published; bob: subscribe-only, never published. Both on stage studio, set up here so that no test depends on another. */
let alice: { participantId: string; token: string };
let bob: { participantId: string; token: string };

beforeAll(async () => {
  stageArn = ((await api('CreateStage', { name: 'studio' })).stage as { arn: string }).arn;
  await api('CreateStage', { name: 'quiet' });
  await api('CreateStage', { name: 'signing' });
  alice = (await api('CreateParticipantToken', { stageArn, userId: 'alice', attributes: { role: 'host', displayName: 'Alice' } })).participantToken;
  sessionId = (await joinWith(bed.emu.url, alice.token, true)).sessionId;
  bob = (await api('CreateParticipantToken', { stageArn, userId: 'bob', capabilities: ['SUBSCRIBE'], duration: 60 })).participantToken;
  await joinWith(bed.emu.url, bob.token, false);
});

/** A participant of its own on a stage of its own, for a test that changes what it is given. */
async function connectedElsewhere(name: string): Promise<{ stage: string; session: string; participantId: string; token: string }> {
  const arn = (await api('CreateStage', { name })).stage.arn as string;
  const token = (await api('CreateParticipantToken', { stageArn: arn, userId: name })).participantToken;
  const { sessionId: session } = await joinWith(bed.emu.url, token.token, false);
  return { stage: name, session, participantId: token.participantId, token: token.token };
}

describe('token create', () => {
  it('issues a token for a stage named by name; the token joins that stage', async () => {
    const r = await cli(['token', 'create', 'signing', '--user-id', 'carol', '--attributes', 'role=host,displayName=Carol', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const token = r.json().participantToken;
    expect(token).toMatchObject({ userId: 'carol', attributes: { role: 'host', displayName: 'Carol' }, duration: 720, capabilities: ['PUBLISH', 'SUBSCRIBE'] });
    expect(token.participantId).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(token.expirationTime).toMatch(/\+00:00$/);

    const joined = await joinWith(bed.emu.url, token.token, true);
    expect(joined.stageArn).toBe((await api('ListStages', {})).stages.find((s: { name: string }) => s.name === 'signing').arn);
    expect(joined.participant.participantId).toBe(token.participantId);
  });

  it('--capabilities and --duration shape the token', async () => {
    const r = await cli(['token', 'create', stageArn, '--user-id', 'dave', '--capabilities', 'subscribe', '--duration', '60', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const token = r.json().participantToken;
    expect(token.capabilities).toEqual(['SUBSCRIBE']);
    expect(token.duration).toBe(60);
    expect(Date.parse(token.expirationTime) - Date.now()).toBeGreaterThan(55 * 60_000);
  });

  it('attributes over 1 KB and an out-of-range --duration are 252 naming the flag, before any request', async () => {
    const before = bed.counting.requests.length;
    const big = await runCli(['token', 'create', A_STAGE, '--attributes', `note=${'x'.repeat(1100)}`], { endpoint: bed.counting.url });
    expect(big.code).toBe(252);
    expect(big.stderr).toContain('--attributes must total at most 1 KB');
    const duration = await runCli(['token', 'create', A_STAGE, '--duration', '0'], { endpoint: bed.counting.url });
    expect(duration.code).toBe(252);
    expect(duration.stderr).toContain('--duration must be at least 1');
    expect(bed.counting.requests.length).toBe(before);
  });

  it('a stage that does not exist is the service error, 254', async () => {
    const r = await cli(['token', 'create', 'arn:aws:ivs:us-east-1:123456789012:stage/nosuchstage1']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
  });
});

describe('session list and get', () => {
  it('list shows the active session; get without a session id shows the same one', async () => {
    const listed = await cli(['session', 'list', 'studio', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json()).toEqual(await api('ListStageSessions', { stageArn }));
    expect(listed.json().stageSessions).toEqual([{ sessionId, startTime: expect.any(String) }]);

    const active = await cli(['session', 'get', 'studio', '--json']);
    expect(active.code, active.stderr).toBe(0);
    expect(active.json()).toEqual(await api('GetStageSession', { stageArn, sessionId }));
    expect(active.json().stageSession.sessionId).toBe(sessionId);
    expect((await cli(['session', 'get', 'studio', '--session', sessionId, '--json'])).json()).toEqual(active.json());
  });

  it('piped: one tab-separated line per session; on a terminal a table', async () => {
    const tsv = await cli(['session', 'list', 'studio']);
    expect(tsv.stdout).not.toMatch(ANSI);
    expect(tsv.stdout.replace(/\n$/, '').split('\t')).toEqual([sessionId, expect.stringMatching(/^\d{4}-\d\d-\d\dT/), '']);
    const tty = await cli(['session', 'list', 'studio'], { IVSRT_FORCE_TTY: '120' });
    const [head, row] = tty.stdout.replace(STRIP, '').split('\n');
    expect(head).toMatch(/SESSION ID\s+START\s+END/);
    expect(row).toContain(sessionId);
  });

  it('a stage with no active session: 252 with a hint, before asking for the session', async () => {
    const r = await cli(['session', 'get', 'quiet']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('stage quiet has no active session');
    expect(r.stderr).toContain('ivsrt session list quiet');
  });

  it('an unknown session is the service error, 254', async () => {
    const r = await cli(['session', 'get', 'studio', '--session', 'st-0000000000000']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
  });
});

describe('participant list', () => {
  it('shows the participants who joined with the created tokens, in the active session by default', async () => {
    const r = await cli(['participant', 'list', 'studio', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual(await api('ListParticipants', { stageArn, sessionId }));
    const byUser = Object.fromEntries(r.json().participants.map((p: { userId: string }) => [p.userId, p]));
    expect(byUser.alice).toMatchObject({ participantId: alice.participantId, state: 'CONNECTED', published: true });
    expect(byUser.bob).toMatchObject({ participantId: bob.participantId, state: 'CONNECTED', published: false });
    expect((await cli(['participant', 'list', 'studio', '--session', sessionId, '--json'])).json()).toEqual(r.json());
  });

  it('one filter at a time: --published, --user-id, --state', async () => {
    const ids = async (...flags: string[]) => (await cli(['participant', 'list', 'studio', ...flags, '--json'])).json().participants.map((p: { participantId: string }) => p.participantId);
    expect(await ids('--published')).toEqual([alice.participantId]);
    expect(await ids('--published', 'false')).toEqual([bob.participantId]);
    expect(await ids('--user-id', 'bob')).toEqual([bob.participantId]);
    expect(await ids('--state', 'disconnected')).toEqual([]);
  });

  it('two filters are 252 naming both flags, and nothing is sent', async () => {
    const before = bed.counting.requests.length;
    const r = await runCli(['participant', 'list', A_STAGE, '--session', 'st-0000000000000', '--user-id', 'alice', '--state', 'connected'], { endpoint: bed.counting.url });
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--state cannot be combined with --user-id');
    const input = await runCli(['participant', 'list', A_STAGE, '--session', 'st-0000000000000', '--published', '--input', '-'], { endpoint: bed.counting.url, input: '{"filterByRecordingState":"ACTIVE"}' });
    expect(input.code).toBe(252);
    // The filter from --input is named as its member, the one typed as its flag.
    expect(input.stderr).toMatch(/input member filterByRecordingState cannot be combined with --published/);
    expect(bed.counting.requests.length).toBe(before);
  });

  it('a bad --state value is 252 naming the flag', async () => {
    const r = await cli(['participant', 'list', 'studio', '--state', 'gone']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--state must be one of CONNECTED, DISCONNECTED');
  });

  it('piped: tab-separated rows; on a terminal: the participants table', async () => {
    const tsv = await cli(['participant', 'list', 'studio', '--user-id', 'alice']);
    expect(tsv.stdout).not.toMatch(ANSI);
    const cells = tsv.stdout.replace(/\n$/, '').split('\t');
    expect(cells.slice(0, 6)).toEqual(['alice', alice.participantId, 'CONNECTED', 'true', 'DISABLED', 'NONE']);
    expect(cells[6]).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

    const tty = await cli(['participant', 'list', 'studio'], { IVSRT_FORCE_TTY: '120' });
    expect(tty.stdout).toMatch(ANSI);
    const lines = tty.stdout.replace(STRIP, '').split('\n');
    expect(lines[0]).toMatch(/USER ID\s+PARTICIPANT ID\s+STATE\s+PUBLISHED\s+RECORDING\s+REPLICATION\s+FIRST JOIN/);
    expect(lines.find((l) => l.includes(alice.participantId))).toMatch(/alice\s+\w{12}\s+CONNECTED\s+yes\s+DISABLED\s+NONE\s+(just now|\d+ (seconds?|minutes?) ago)/);
  });
});

describe('participant get and events', () => {
  it('get shows the full participant from the active session; --session names one', async () => {
    const r = await cli(['participant', 'get', 'studio', alice.participantId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual(await api('GetParticipant', { stageArn, sessionId, participantId: alice.participantId }));
    expect(r.json().participant).toMatchObject({ userId: 'alice', protocol: 'WHIP', attributes: { role: 'host', displayName: 'Alice' } });
    const explicit = await cli(['participant', 'get', 'studio', alice.participantId, '--session', sessionId, '--json']);
    expect(explicit.json()).toEqual(r.json());
    const tty = await cli(['participant', 'get', 'studio', alice.participantId], { IVSRT_FORCE_TTY: '120', NO_COLOR: '1' });
    expect(tty.stdout.split('\n')[0]).toMatch(new RegExp(`^participantId\\s+${alice.participantId}$`));
  });

  it('get of an unknown participant is 254 ResourceNotFoundException', async () => {
    const r = await cli(['participant', 'get', 'studio', 'nobody']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
  });

  it('a malformed --session is 252 naming the flag', async () => {
    const r = await cli(['participant', 'get', 'studio', alice.participantId, '--session', 'session-1']);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--session must');
  });

  it('events: newest first, as the API returns them; a table on a terminal', async () => {
    const r = await cli(['participant', 'events', 'studio', alice.participantId, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual(await api('ListParticipantEvents', { stageArn, sessionId, participantId: alice.participantId }));
    expect(r.json().events.map((e: { name: string }) => e.name)).toEqual(['PUBLISH_STARTED', 'JOINED']);

    const tty = await cli(['participant', 'events', 'studio', alice.participantId], { IVSRT_FORCE_TTY: '120' });
    const lines = tty.stdout.replace(STRIP, '').split('\n');
    expect(lines[0]).toMatch(/TIME\s+EVENT\s+PARTICIPANT\s+REMOTE\s+ERROR/);
    expect(lines[1]).toMatch(new RegExp(`PUBLISH_STARTED\\s+${alice.participantId}\\s+-\\s+-`));
    const tsv = await cli(['participant', 'events', 'studio', alice.participantId, '--max-items', '1']);
    expect(tsv.stdout.replace(/\n$/, '').split('\t').slice(1)).toEqual(['PUBLISH_STARTED', alice.participantId, '', '']);
  });
});

describe('participant disconnect', () => {
  it('without a terminal and without --yes: 252 and the participant stays', async () => {
    const erin = await connectedElsewhere('erin');
    const r = await cli(['participant', 'disconnect', erin.stage, erin.participantId]);
    expect(r.code).toBe(252);
    expect(r.stderr).toContain('--yes');
    const still = await cli(['participant', 'get', erin.stage, erin.participantId, '--json']);
    expect(still.json().participant.state).toBe('CONNECTED');
  });

  it('--yes disconnects; the participant shows as DISCONNECTED and the token cannot rejoin', async () => {
    const frank = await connectedElsewhere('frank');
    const r = await cli(['participant', 'disconnect', frank.stage, frank.participantId, '--reason', 'test over', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    // Its only participant gone, the stage's session has ended: name it.
    const left = await cli(['participant', 'list', frank.stage, '--session', frank.session, '--state', 'disconnected', '--json']);
    expect(left.json().participants.map((p: { participantId: string }) => p.participantId)).toEqual([frank.participantId]);
    const events = await cli(['participant', 'events', frank.stage, frank.participantId, '--session', frank.session, '--json', '--query', 'events[0].name']);
    expect(events.stdout).toBe('"LEFT"\n');
    await expect(joinWith(bed.emu.url, frank.token, false)).rejects.toThrow();
  });

  it('a participant who never joined is 254 ResourceNotFoundException', async () => {
    const r = await cli(['participant', 'disconnect', 'studio', 'nobody', '--yes']);
    expect(r.code).toBe(254);
    expect(r.stderr).toContain('ResourceNotFoundException');
  });
});
