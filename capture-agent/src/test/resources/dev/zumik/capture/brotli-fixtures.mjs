// Makes brotli.json: Brotli-encoded bodies for the proxy's tests (Java has a Brotli decoder but no
// encoder). Each stream chunk is flushed on its own, as a compressing server sends a live stream.
// Run from this directory: node brotli-fixtures.mjs
import zlib from 'node:zlib';
import fs from 'node:fs';

const chunks = [
  'data: {"id":"b1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}\n\n',
  'data: {"id":"b1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Brotli says hi"}}],"usage":null}\n\n',
  'data: {"id":"b1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1700,"completion_tokens":3,"total_tokens":1703,"prompt_tokens_details":{"cached_tokens":1536}}}\n\n',
  'data: [DONE]\n\n',
];
const json = '{"id":"b2","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Brotli says hi"},'
  + '"finish_reason":"stop"}],"usage":{"prompt_tokens":1800,"completion_tokens":4,"total_tokens":1804,"prompt_tokens_details":{"cached_tokens":1664}}}';

async function flushedSegments(parts) {
  const encoder = zlib.createBrotliCompress();
  const segments = [];
  let current = [];
  encoder.on('data', d => current.push(d));
  const cut = () => { segments.push(Buffer.concat(current).toString('base64')); current = []; };
  for (const part of parts) {
    encoder.write(part);
    await new Promise(done => encoder.flush(zlib.constants.BROTLI_OPERATION_FLUSH, done));
    cut();
  }
  encoder.end();
  await new Promise(done => encoder.on('end', done));
  cut();
  return segments;
}

fs.writeFileSync('brotli.json', JSON.stringify({
  sse: chunks,
  sseBrotli: await flushedSegments(chunks),
  json,
  jsonBrotli: zlib.brotliCompressSync(json).toString('base64'),
}, null, 1) + '\n');
