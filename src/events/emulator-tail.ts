// `ivsrt events tail` against the emulator: its NDJSON event stream (POST /_ivsrt/events), read line
// by line until the stream ends (the emulator stopped) or the tail is aborted.
import type { AdminClient } from '../local/admin-client.js';
import type { StreamRequest } from '../emulator/http/admin-contract.js';

/**
 * Calls `onOpen` once the stream is open (every event committed from then on will come), then `onEvent`
 * for each envelope; resolves when the stream ends or `signal` aborts.
 */
export async function tailEmulator(
  admin: AdminClient,
  request: StreamRequest,
  onEvent: (event: Record<string, unknown>) => void,
  signal: AbortSignal,
  onOpen: () => void = () => {},
): Promise<'aborted' | 'ended'> {
  let res: Response;
  try {
    res = await admin.stream('events', request, signal);
  } catch (error) {
    if (signal.aborted) return 'aborted';
    throw error;
  }
  onOpen();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) onEvent(JSON.parse(line) as Record<string, unknown>);
      }
    }
  } catch (error) {
    if (signal.aborted) return 'aborted';
    throw error;
  }
  return signal.aborted ? 'aborted' : 'ended';
}
