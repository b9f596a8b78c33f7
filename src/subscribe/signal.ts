// `ivsrt subscribe`'s signalling, as AWS's aiortc samples subscribe against the service (behaviour
// reference §13): POST the offer to `<whip_url>/subscribe/<participantId>` with the participant token as
// Bearer; follow redirects by hand so that the Authorization header goes along (fetch drops it on a
// cross-origin redirect, and the service answers 307 to a regional host); read the 201's answer, which may
// carry its ICE candidates in the audio section only.

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class SubscribeRefused extends Error {
  constructor(
    readonly status: number,
    /** The service's error code from a JSON body (PUBLISHER_NOT_FOUND, ...), when it gave one. */
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface Answer {
  sdp: string;
  /** The subscription's resource (absolute), which DELETE ends; undefined when the server gave none. */
  location?: string;
  /** Where the offer was finally accepted, after redirects. */
  url: string;
}

/** POSTs `offer` and returns the answer, or throws SubscribeRefused saying what the endpoint said. */
export async function postOffer(url: string, token: string, offer: string, signal?: AbortSignal): Promise<Answer> {
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` },
      body: offer,
      signal,
    });
    const location = res.headers.get('location');
    if (REDIRECTS.has(res.status)) {
      await res.body?.cancel();
      if (!location) throw new SubscribeRefused(res.status, undefined, `the endpoint answered ${res.status} without a Location to follow`);
      target = new URL(location, target).toString();
      continue;
    }
    const text = await res.text();
    if (res.status !== 201) throw refusal(res.status, text);
    return { sdp: text, url: target, ...(location ? { location: new URL(location, target).toString() } : {}) };
  }
  throw new SubscribeRefused(310, undefined, `the endpoint redirected more than ${MAX_REDIRECTS} times`);
}

function refusal(status: number, text: string): SubscribeRefused {
  let code: string | undefined;
  let message = text.trim().split('\n')[0] || `HTTP ${status}`;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: the first line of the text says it
  }
  return new SubscribeRefused(status, code, message);
}

/**
 * The answer with every bundled media section holding the ICE candidates: the service may put them in the
 * audio section only (the samples copy them into the video section before applying the answer).
 */
export function withCandidatesEverywhere(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [head, ...sections] = sdp.split(/\r?\n(?=m=)/);
  const lines = sections.map((s) => s.split(/\r?\n/).filter((l) => l !== ''));
  const candidates = lines.flatMap((s) => s.filter((l) => l.startsWith('a=candidate:')));
  if (candidates.length === 0) return sdp;
  const fixed = lines.map((s) => {
    if (!/^m=(audio|video) /.test(s[0]!) || s.some((l) => l.startsWith('a=candidate:'))) return s;
    return [...s, ...candidates, 'a=end-of-candidates'];
  });
  return [head!.replace(/\r?\n$/, ''), ...fixed.map((s) => s.join(eol))].join(eol) + eol;
}
