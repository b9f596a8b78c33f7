// The absolute floor for `ivsrt stage list --json` (issue 24): a plain node:http request to the same
// endpoint, no SDK and no signing (the emulator without --credentials checks only the Authorization
// header's form), printing the body. bench/cli.mjs times it beside ivsrt.
// Usage: node bench/floor-list-stages.mjs <endpoint-url>
import { request } from 'node:http';

const headers = { 'content-type': 'application/json', 'content-length': 2, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDFLOOR/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + '0'.repeat(64) };
request(new URL('/ListStages', process.argv[2]), { method: 'POST', headers }, (res) => {
  let text = '';
  res.on('data', (chunk) => (text += chunk));
  res.on('end', () => {
    if (res.statusCode !== 200) {
      process.stderr.write(`HTTP ${res.statusCode}: ${text}\n`);
      process.exitCode = 1;
    } else process.stdout.write(text);
  });
}).end('{}');
