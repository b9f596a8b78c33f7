// Single components at fixed terminal sizes, with data given directly.
import type { Participant } from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { Footer, fitHints } from '../../src/watch/ui/Footer.js';
import { HelpScreen } from '../../src/watch/ui/HelpScreen.js';
import { ParticipantsTable } from '../../src/watch/ui/ParticipantsTable.js';
import { renderAt } from './ink-render.js';

const people = (n: number): Participant[] =>
  Array.from({ length: n }, (_, i) => ({
    participantId: `pid${String(i).padStart(3, '0')}`,
    userId: `user${i}`,
    state: i % 5 === 4 ? 'DISCONNECTED' : 'CONNECTED',
    published: i < 2,
    protocol: 'WHIP',
    recordingState: 'DISABLED',
    replicationType: 'NONE',
    firstJoinTime: new Date(Date.UTC(2025, 0, 1, 12, 0, i)),
  }));

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function table(participants: Participant[], props: { width: number; height: number; selectedIndex?: number }) {
  const view = renderAt(
    <ParticipantsTable
      participants={participants}
      total={participants.length}
      complete
      selectedIndex={props.selectedIndex ?? 0}
      active
      filter=""
      highlights={new Map()}
      height={props.height}
      width={props.width}
    />,
    { columns: props.width, rows: props.height },
  );
  unmount = view.unmount;
  return view.lastFrame();
}

describe('ParticipantsTable', () => {
  it('shows every column on a wide terminal', () => {
    const frame = table(people(3), { width: 100, height: 10 });
    expect(frame).toContain('USER');
    expect(frame).toContain('FIRST JOIN');
    expect(frame).toMatch(/> user0 +pid000 +CONNECTED +yes +WHIP +DISABLED +NONE/);
    expect(frame).toContain('Participants (3 connected, 3 listed)');
  });

  it('drops the right-hand columns that do not fit a narrow terminal', () => {
    const frame = table(people(3), { width: 60, height: 10 });
    expect(frame).toContain('PROTO');
    expect(frame).not.toContain('RECORDING');
    expect(frame).not.toContain('FIRST JOIN');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('draws only the rows that fit, keeping the selected one in view', () => {
    const frame = table(people(200), { width: 100, height: 10, selectedIndex: 120 });
    const rows = frame.split('\n').filter((l) => /user\d+/.test(l));
    expect(rows).toHaveLength(8);
    expect(frame).toMatch(/> user120 /);
    expect(frame).not.toContain('user0 ');
    expect(frame).toContain('rows 117-124');
  });
});

describe('HelpScreen', () => {
  it('lists the keys, marking the mutating ones when read-only', () => {
    const view = renderAt(<HelpScreen readonly />, { columns: 90, rows: 30 });
    unmount = view.unmount;
    const frame = view.lastFrame();
    for (const key of ['Enter', 'Esc', 'Tab', '/', 'r ', 'p ', 'q / Ctrl-C']) expect(frame).toContain(key);
    expect(frame).toMatch(/disconnect the selected participant \(asks first\) \(disabled: --readonly\)/);
  });
});

describe('Footer', () => {
  it('asks a yes/no question', () => {
    const view = renderAt(<Footer prompt={{ kind: 'confirm', question: 'Disconnect alice (p1)?' }} columns={80} />, { columns: 80, rows: 5 });
    unmount = view.unmount;
    expect(view.lastFrame()).toBe('Disconnect alice (p1)? [y/N]');
  });

  it('keeps "? help" and "q quit" in the key hints at any width, dropping the least useful hints first', () => {
    const hints = '↑↓ select · ⏎ details · / filter · Tab pane · a show who left · d disconnect · x stop composition · r refresh · p pause · ? help · q quit';
    expect(hints.length).toBeGreaterThan(120);
    for (const columns of [120, 100, 80, 60]) {
      const view = renderAt(<Footer prompt={{ kind: 'keys', hints }} columns={columns} />, { columns, rows: 5 });
      const frame = view.lastFrame()!;
      view.unmount();
      expect(frame.length, `${columns} columns`).toBeLessThanOrEqual(columns);
      expect(frame, `${columns} columns`).toMatch(/^↑↓ select · .* · \? help · q quit$/);
    }
    expect(fitHints(hints, 120)).toBe('↑↓ select · ⏎ details · / filter · Tab pane · a show who left · d disconnect · x stop composition · ? help · q quit');
  });
});
