// The restJson1 response side: the headers the real service sends on every reply (the model's
// error members name them), JSON bodies, and errors as `x-amzn-ErrorType` + {exceptionMessage, message}.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ApiError } from './errors.js';

const SERVICE_HEADERS: Record<string, string> = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date,x-amz-apigw-id',
  'Cache-Control': 'no-store, no-cache',
  'Content-Security-Policy': "default-src 'self'; upgrade-insecure-requests; base-uri 'self'",
  'Strict-Transport-Security': 'max-age=47304000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SERVICE_HEADERS,
    ...extra,
    'x-amzn-RequestId': randomUUID(),
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError, extra?: Record<string, string>): void {
  sendJson(res, error.status, { ...error.details, exceptionMessage: error.message, message: error.message }, { ...extra, 'x-amzn-ErrorType': error.type });
}
