// The floor for `ivsrt stage list --json`: a plain Node script that makes the same one request
// (ListStages, SigV4-signed with node:crypto) and prints the body. bench/cli.mjs times it beside ivsrt.
// Usage: node bench/bare-list-stages.mjs <endpoint-url>  (credentials and region from the environment)
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';

const endpoint = new URL(process.argv[2]);
const region = process.env.AWS_REGION ?? 'us-east-1';
const body = '{}';
const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const day = amzDate.slice(0, 8);
const headers = { 'content-type': 'application/json', host: endpoint.host, 'x-amz-content-sha256': sha256(body), 'x-amz-date': amzDate };
const signed = Object.keys(headers).sort();
const canonical = ['POST', '/ListStages', '', ...signed.map((h) => `${h}:${headers[h]}`), '', signed.join(';'), headers['x-amz-content-sha256']].join('\n');
const scope = `${day}/${region}/ivs/aws4_request`;
const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
const key = ['ivs', 'aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(`AWS4${process.env.AWS_SECRET_ACCESS_KEY}`, day), region));
const authorization = `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${hmac(key, toSign).toString('hex')}`;

const req = request(new URL('/ListStages', endpoint), { method: 'POST', headers: { ...headers, authorization, 'content-length': Buffer.byteLength(body) } }, (res) => {
  let text = '';
  res.on('data', (chunk) => (text += chunk));
  res.on('end', () => {
    if (res.statusCode !== 200) {
      process.stderr.write(`HTTP ${res.statusCode}: ${text}\n`);
      process.exitCode = 1;
    } else process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });
});
req.end(body);

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}
function hmac(key, text) {
  return createHmac('sha256', key).update(text).digest();
}
