// The client end of a WebRTC session that `ivsrt publish` and `ivsrt subscribe` share: a node-datachannel
// peer connection with no ICE servers (the endpoint gives its own candidates in the answer), whose offer
// goes out once ICE gathering is done and without this side's candidates, which then waits for the
// connection to come up, and whose session resource a DELETE ends. What each sends or receives (its
// tracks) and how it posts the offer are the caller's. node-datachannel loads only when a peer is opened.
import type { PeerConnection } from 'node-datachannel';

export type NodeDataChannel = typeof import('node-datachannel');

const CONNECT_TIMEOUT_MS = 15_000;
const GATHERING_TIMEOUT_MS = 5_000;

export interface ClientPeer {
  /** node-datachannel itself, to make the tracks with. */
  readonly ndc: NodeDataChannel;
  readonly pc: PeerConnection;
  /** The connection's state now: 'new', 'connecting', 'connected', 'disconnected', 'failed' or 'closed'. */
  state(): string;
  /** `listener` hears every state change from now on, during the set-up and after. */
  onState(listener: (state: string) => void): void;
  /** This side's offer, once ICE gathering is complete (GATHERING_TIMEOUT_MS at the most), without its candidates. */
  offer(): Promise<string>;
  /** Applies the endpoint's answer and waits until the connection is up (CONNECT_TIMEOUT_MS at the most). */
  connect(answer: string): Promise<void>;
  /** Closes the connection and lets libdatachannel's threads go. */
  close(): void;
}

/** A new peer connection named `name` (libdatachannel's logs say it), with no tracks yet. */
export async function openPeer(name: string): Promise<ClientPeer> {
  const ndc = await import('node-datachannel');
  const pc = new ndc.PeerConnection(name, { iceServers: [] });
  let state = 'new';
  const listeners: ((state: string) => void)[] = [];
  const connected = new Promise<void>((resolve, reject) => {
    pc.onStateChange((s) => {
      state = s;
      for (const listener of listeners) listener(s);
      if (s === 'connected') resolve();
      else if (s === 'failed' || s === 'closed') reject(new Error(`the WebRTC connection ${s}`));
    });
  });
  connected.catch(() => {});
  const gathered = new Promise<void>((resolve) => pc.onGatheringStateChange((s) => s === 'complete' && resolve()));
  return {
    ndc,
    pc,
    state: () => state,
    onState: (listener) => listeners.push(listener),
    async offer() {
      pc.setLocalDescription();
      if (pc.gatheringState() !== 'complete') await within(gathered, GATHERING_TIMEOUT_MS, 'ICE candidate gathering');
      return withoutCandidates(pc.localDescription()!.sdp);
    },
    async connect(answer) {
      pc.setRemoteDescription(answer, 'answer');
      await within(connected, CONNECT_TIMEOUT_MS, 'the WebRTC connection');
    },
    close() {
      pc.close();
      ndc.cleanup();
    },
  };
}

/** DELETE on a session's resource URL, with the token as Bearer: what ends a WHIP session or a subscription. */
export async function deleteSession(resourceUrl: string, token: string): Promise<void> {
  try {
    await fetch(resourceUrl, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
  } catch {
    // The session may be gone already (the server ended it, or the publisher left); closing the connection ends it anyway.
  }
}

/** `promise`, or a rejection saying `what` did not happen within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The offer without its ICE candidates: the endpoint then learns this side's address from the checks
 * this side sends once it has the answer (peer reflexive, RFC 8445 §7.3.1.3). With candidates in the offer,
 * the endpoint can reach this side first, and libdatachannel here would take the DTLS handshake before it
 * knows the answer's fingerprint and refuse it ("unknown CA") — seen on a loaded machine; `ivsrt subscribe`
 * saw libdatachannel refuse the answer ("Got a remote candidate without ICE transport").
 */
export function withoutCandidates(sdp: string): string {
  return sdp.replace(/^a=(?:candidate:.*|end-of-candidates)\r?\n/gm, '');
}
