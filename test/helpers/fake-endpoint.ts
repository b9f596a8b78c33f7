// A bare HTTP endpoint that records what reaches it: for proving that nothing was sent, for timeouts
// and for --debug redaction. Behaviour of the service itself is always tested against the emulator.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeEndpoint {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function fakeEndpoint(respond: (req: RecordedRequest, res: ServerResponse) => void): Promise<FakeEndpoint> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      respond(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An endpoint that must never be reached: requests to it are counted, and answered with a 500. */
export function refusingEndpoint(): Promise<FakeEndpoint> {
  return fakeEndpoint((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalServerException' }).end('{"message":"should not be called"}');
  });
}
