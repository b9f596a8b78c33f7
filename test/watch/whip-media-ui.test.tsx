// The measured media of WHIP publishers on screen: the participants table's MEDIA column and the
// participant detail view, at fixed terminal sizes with data given directly.
import { afterEach, describe, expect, it } from 'vitest';
import { mediaLine, type MeasuredMedia } from '../../src/local/media.js';
import type { WatchedParticipant } from '../../src/watch/model.js';
import { ParticipantDetail } from '../../src/watch/ui/ParticipantDetail.js';
import { ParticipantsTable } from '../../src/watch/ui/ParticipantsTable.js';
import { renderAt } from './ink-render.js';

const measured: MeasuredMedia = { videoCodec: 'H264', audioCodec: 'OPUS', width: 1280, height: 720, frameRate: 29.9, bitrate: 2_610_000 };

const whip: WatchedParticipant = {
  participantId: 'pidwhip',
  userId: 'obs',
  state: 'CONNECTED',
  published: true,
  protocol: 'WHIP',
  recordingState: 'DISABLED',
  replicationType: 'NONE',
  firstJoinTime: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)),
  media: measured,
};
const simulated: WatchedParticipant = { ...whip, participantId: 'pidsim', userId: 'sim', protocol: 'UNKNOWN', media: undefined };

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function table(participants: WatchedParticipant[], width: number) {
  const view = renderAt(
    <ParticipantsTable
      participants={participants}
      total={participants.length}
      complete
      selectedIndex={0}
      active
      filter=""
      highlights={new Map()}
      height={8}
      width={width}
    />,
    { columns: width, rows: 8 },
  );
  unmount = view.unmount;
  return view.lastFrame();
}

const row = (frame: string, user: string) => frame.split('\n').find((line) => line.includes(` ${user} `)) ?? '';

describe('the MEDIA column', () => {
  it('shows what the emulator measures for a WHIP publisher, and nothing for a simulated participant', () => {
    const frame = table([whip, simulated], 120);
    expect(frame).toMatch(/PROTO +MEDIA +RECORDING/);
    expect(row(frame, 'obs')).toContain('H264 1280x720 29.9 fps + OPUS, 2.61 Mbit/s');
    // Under the MEDIA header, the simulated row is blank, and its recording state is where it belongs.
    const header = frame.split('\n').find((line) => line.includes('MEDIA'))!;
    const [from, to] = [header.indexOf('MEDIA'), header.indexOf('RECORDING')];
    expect(row(frame, 'sim').slice(from, to).trim()).toBe('');
    expect(row(frame, 'sim').slice(to)).toMatch(/^DISABLED/);
    expect(row(frame, 'obs').slice(from, to).trim()).toBe(mediaLine(measured));
  });

  it('fits a terminal of 100 columns, before the columns that are the same for most rows', () => {
    const frame = table([whip, simulated], 100);
    expect(frame).toContain('MEDIA');
    expect(row(frame, 'obs')).toContain('2.61 Mbit/s');
    expect(frame).not.toContain('FIRST JOIN');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('drops out of a narrow terminal with the columns after it, keeping every line within the width', () => {
    const frame = table([whip, simulated], 80);
    expect(frame).toContain('PROTO');
    expect(frame).not.toContain('MEDIA');
    expect(frame).not.toContain('Mbit/s');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('is not there while nobody has media (simulated participants, or a stage on AWS)', () => {
    const frame = table([simulated], 120);
    expect(frame).not.toContain('MEDIA');
    expect(frame).toMatch(/PROTO +RECORDING +REPLICA +FIRST JOIN/);
  });
});

describe('the participant detail view', () => {
  function detail(participant: WatchedParticipant, width = 80) {
    const view = renderAt(<ParticipantDetail participantId={participant.participantId!} participant={participant} events={[]} scroll={0} height={24} />, {
      columns: width,
      rows: 24,
    });
    unmount = view.unmount;
    return view.lastFrame();
  }

  it('shows the codecs, resolution, frame rate and bitrate of a WHIP publisher', () => {
    const frame = detail(whip);
    expect(frame).toMatch(/videoCodec +H264/);
    expect(frame).toMatch(/resolution +1280x720/);
    expect(frame).toMatch(/frameRate +29\.9 fps/);
    expect(frame).toMatch(/audioCodec +OPUS/);
    expect(frame).toMatch(/bitrate +2\.61 Mbit\/s/);
  });

  it('shows only what has been measured so far', () => {
    const frame = detail({ ...whip, media: { audioCodec: 'OPUS', bitrate: 64_000 } });
    expect(frame).toMatch(/audioCodec +OPUS/);
    expect(frame).toMatch(/bitrate +0\.06 Mbit\/s/);
    expect(frame).not.toContain('videoCodec');
    expect(frame).not.toContain('resolution');
    expect(frame).not.toContain('frameRate');
  });

  it('has no media fields for a participant without media', () => {
    const frame = detail(simulated);
    expect(frame).toMatch(/userId +sim/);
    for (const field of ['videoCodec', 'resolution', 'frameRate', 'audioCodec', 'bitrate']) expect(frame).not.toContain(field);
  });
});
