// Drives the official OpenAI and Anthropic SDKs against two backend simulators (zumik sim) and prints
// what they parsed, one JSON line per call. Usage: node sim_check.mjs OPENAI_BASE ANTHROPIC_BASE
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const openai = new OpenAI({ apiKey: 'sk-sim', baseURL: `${process.argv[2]}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'sk-ant-sim', baseURL: process.argv[3], maxRetries: 0 });
const system = 'You answer questions about invoices. '.repeat(200);
const messages = [{ role: 'system', content: system }, { role: 'user', content: 'Where is my invoice?' }];

for (const call of ['openai-cold', 'openai-warm']) {
  const whole = await openai.chat.completions.create({ model: 'gpt-4.1', messages, max_completion_tokens: 20 });
  console.log(JSON.stringify({ call, text: whole.choices[0].message.content, finish: whole.choices[0].finish_reason, usage: whole.usage }));
}

const stream = await openai.chat.completions.create({
  model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true }, max_tokens: 12,
});
let text = '';
let usage = null;
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
console.log(JSON.stringify({ call: 'openai-stream', text, usage }));

const completion = await openai.completions.create({ model: 'gpt-4.1', prompt: [1, 2, 3, 4, 5], max_tokens: 4 });
console.log(JSON.stringify({ call: 'openai-completion', text: completion.choices[0].text, usage: completion.usage }));

try {
  await openai.chat.completions.create({ model: 'gpt-4.1', messages }, { headers: { 'X-Zumik-Sim-Fault': '429' } });
} catch (e) {
  console.log(JSON.stringify({ call: 'openai-error', status: e.status, code: e.code, type: e.constructor.name }));
}

const cached = { model: 'claude-sonnet-4-5', max_tokens: 16,
  system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'hello' }] };
const message = await anthropic.messages.create(cached);
console.log(JSON.stringify({ call: 'anthropic-json', text: message.content[0].text, usage: message.usage }));

const final = await anthropic.messages.stream(cached).finalMessage();
console.log(JSON.stringify({ call: 'anthropic-stream', text: final.content[0].text, usage: final.usage }));

try {
  await anthropic.messages.create(cached, { headers: { 'X-Zumik-Sim-Fault': '529' } });
} catch (e) {
  console.log(JSON.stringify({ call: 'anthropic-error', status: e.status, type: e.constructor.name, error: e.error?.error?.type }));
}
