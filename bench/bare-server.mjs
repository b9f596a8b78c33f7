#!/usr/bin/env node
// The floor for the emulator's read benchmarks: a bare node:http server that reads each request's body
// and answers every request with one fixed reply (status 200, the headers and body bytes in the JSON file
// named by its argument; a fresh x-amzn-RequestId per reply, as the emulator sends). It prints its URL.
//   node bench/bare-server.mjs reply.json
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const { headers, body } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const bytes = Buffer.from(body, 'base64');
const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { ...headers, 'x-amzn-RequestId': randomUUID(), 'Content-Length': bytes.length });
    res.end(bytes);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
