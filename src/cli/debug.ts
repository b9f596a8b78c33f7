// --debug: every HTTP request and response on stderr, secrets redacted (the AWS CLI's --debug, minus the leaks).
import { Readable } from 'node:stream';
import type { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { AdminLog } from '../local/admin-client.js';
import { collectBody } from '../api/reply-body.js';
import { redactBody, redactHeaders } from './redact.js';

type Log = (line: string) => void;

/** The same lines for the emulator's admin routes (ctx.admin()); a stream's body is not read into the log. */
export function adminDebugLog(log: Log): AdminLog {
  return {
    request(method, url, headers, body) {
      log(`> ${method} ${url}`);
      for (const [k, v] of Object.entries(redactHeaders(headers))) log(`> ${k}: ${v}`);
      if (body) log(`> ${redactBody(body)}`);
    },
    reply(status, ms, headers, body) {
      log(`< ${status} (${ms} ms)`);
      for (const [k, v] of Object.entries(redactHeaders(headers))) log(`< ${k}: ${v}`);
      if (body) log(`< ${redactBody(body)}`);
    },
  };
}

export function attachDebugLogging(client: IVSRealTimeClient, log: Log): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method: string; protocol: string; hostname: string; port?: number; path: string; query?: Record<string, unknown>; headers: Record<string, string>; body?: unknown };
      const query = request.query && Object.keys(request.query).length ? `?${new URLSearchParams(request.query as Record<string, string>).toString()}` : '';
      log(`> ${request.method} ${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}${query}`);
      for (const [k, v] of Object.entries(redactHeaders(request.headers))) log(`> ${k}: ${v}`);
      if (typeof request.body === 'string' && request.body) log(`> ${redactBody(request.body)}`);
      const started = performance.now();
      const result = await next(args);
      const response = result.response as { statusCode: number; headers: Record<string, string>; body?: unknown };
      log(`< ${response.statusCode} (${Math.round(performance.now() - started)} ms)`);
      for (const [k, v] of Object.entries(redactHeaders(response.headers))) log(`< ${k}: ${v}`);
      if (response.body) {
        // The deserializer reads the body after us, so hand it a fresh stream over the same bytes.
        const body = await collectBody(response.body as Readable);
        const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        log(`< ${redactBody(bytes.toString('utf8'))}`);
        response.body = Readable.from([bytes]);
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'ivsrtDebugLog' },
  );
}
