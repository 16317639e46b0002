// Sends chat completions through the official OpenAI SDK, one every INTERVAL ms, as a new user's application would,
// and prints one JSON line per answer. Usage: node chat_traffic.mjs BASE_URL COUNT INTERVAL_MS
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: 'sk-newcomer', baseURL: `${process.argv[2]}/v1`, maxRetries: 0 });
const count = Number(process.argv[3]);
const interval = Number(process.argv[4]);
const system = 'You help customers of a bicycle shop with orders, repairs and returns. '.repeat(40);

for (let i = 0; i < count; i++) {
  const started = Date.now();
  const reply = await openai.chat.completions.create({
    model: 'gpt-4.1-mini',
    messages: [{ role: 'system', content: system }, { role: 'user', content: `Question ${i}: where is my order?` }],
    max_completion_tokens: 16,
  });
  console.log(JSON.stringify({ i, finish: reply.choices[0].finish_reason, prompt: reply.usage.prompt_tokens }));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - (Date.now() - started))));
}
