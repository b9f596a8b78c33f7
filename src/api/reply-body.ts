// The body of a reply, read into bytes for the SDK's deserializer (the client's `streamCollector`).
import type { Readable } from 'node:stream';

/**
 * Reads a Node stream to its end into one Uint8Array, as the SDK's default collector does for a Node
 * stream. That default first asks whether the body is a Blob or a web ReadableStream, and naming the
 * global `ReadableStream` makes Node load its web streams implementation (about 1.3 ms of every API
 * command's start-up). Every body here is a Node Readable: the IncomingMessage of the SDK's
 * NodeHttpHandler, or --debug's copy of it (src/cli/debug.ts).
 */
export function collectBody(body: Readable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    body.on('data', (chunk: Uint8Array) => {
      chunks.push(chunk);
      length += chunk.byteLength;
    });
    body.once('error', reject);
    body.once('end', () => {
      const bytes = new Uint8Array(length);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(bytes);
    });
  });
}
