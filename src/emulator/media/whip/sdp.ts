// The parts of a WHIP offer the emulator looks at: which media sections it has and their codecs, and an
// offer narrowed to the codecs a stage accepts (H.264 video, Opus audio) so the answer can pick nothing else.

export interface OfferedMedia {
  kind: string;
  /** The section's a=mid ('' when it has none). */
  mid: string;
  /** Encoding names by payload type, upper case (H264, VP8, OPUS, RTX, ...). */
  codecs: Map<number, string>;
  /** Format parameters by payload type (the a=fmtp value). */
  fmtp: Map<number, string>;
}

const SECTION = /\r?\n(?=m=)/;

export function offeredMedia(sdp: string): OfferedMedia[] {
  const sections = sdp.split(SECTION).filter((s) => s.startsWith('m='));
  return sections.map((section) => {
    const kind = section.slice(2, section.indexOf(' '));
    const codecs = new Map<number, string>();
    for (const match of section.matchAll(/^a=rtpmap:(\d+) ([^/\s]+)/gm)) codecs.set(Number(match[1]), match[2]!.toUpperCase());
    const fmtp = new Map<number, string>();
    for (const match of section.matchAll(/^a=fmtp:(\d+) (.+?)\r?$/gm)) fmtp.set(Number(match[1]), match[2]!);
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1] ?? '';
    return { kind, mid, codecs, fmtp };
  });
}

/** Whether a body looks like an SDP offer at all (RFC 8866: starts with v=0, has media). */
export function isSdp(body: string): boolean {
  return /^v=0\r?\n/.test(body) && /\r?\nm=/.test(body);
}

/**
 * The offer with every payload type but `keep`'s removed from each media section (with their rtpmap,
 * fmtp and rtcp-fb lines), so that the answer can only choose an accepted codec.
 */
export function narrowOffer(sdp: string, keep: Record<string, string>): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [head, ...sections] = sdp.split(SECTION);
  const narrowed = sections.map((section) => {
    const lines = section.split(/\r?\n/).filter((line) => line !== '');
    const kind = lines[0]!.slice(2, lines[0]!.indexOf(' '));
    const wanted = keep[kind];
    if (!wanted) return lines.join(eol);
    const allowed = new Set<string>();
    for (const line of lines) {
      const match = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
      if (match && match[2]!.toUpperCase() === wanted) allowed.add(match[1]!);
    }
    return lines
      .filter((line) => {
        const match = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line);
        return !match || allowed.has(match[1]!);
      })
      .map((line, i) => {
        if (i !== 0) return line;
        const parts = line.split(' ');
        return [...parts.slice(0, 3), ...parts.slice(3).filter((pt) => allowed.has(pt))].join(' ');
      })
      .join(eol);
  });
  return [head!.replace(/\r?\n$/, ''), ...narrowed].join(eol) + eol;
}

/**
 * The offer as the emulator's WebRTC stack reads it: an `actpass` offer read as `active`, so the answer
 * says `a=setup:passive` and the client starts DTLS, once it has the answer. Answering `active`, the
 * emulator could start its handshake before the client has the answer's fingerprint, which the client
 * then refuses ("unknown CA"): seen with node-datachannel clients on a loaded machine.
 */
export function asDtlsServer(sdp: string): string {
  return sdp.replace(/^a=setup:actpass$/gm, 'a=setup:active');
}
