// Drives the official OpenAI and Anthropic SDKs through the capture proxy and prints what they
// parsed, one JSON line per call. Usage: node sdk_check.mjs http://127.0.0.1:PORT
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const base = process.argv[2];
const openai = new OpenAI({ apiKey: 'sk-sdk-test', baseURL: `${base}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'sk-ant-sdk-test', baseURL: `${base}/anthropic`, maxRetries: 0 });
const messages = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Where is my invoice?' }];

const whole = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
console.log(JSON.stringify({ call: 'openai-json', text: whole.choices[0].message.content, usage: whole.usage }));

const stream = await openai.chat.completions.create({
  model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true },
});
let text = '';
let usage = null;
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
console.log(JSON.stringify({ call: 'openai-stream', text, usage }));

try {
  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'rate-limit-me' }] });
} catch (e) {
  console.log(JSON.stringify({ call: 'openai-error', status: e.status, code: e.code, type: e.constructor.name }));
}

const message = await anthropic.messages.create({
  model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'hello' }],
});
console.log(JSON.stringify({ call: 'anthropic-json', text: message.content[0].text, usage: message.usage }));

const anthropicStream = anthropic.messages.stream({
  model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'hello' }],
});
const final = await anthropicStream.finalMessage();
console.log(JSON.stringify({ call: 'anthropic-stream', text: final.content[0].text, usage: final.usage }));
