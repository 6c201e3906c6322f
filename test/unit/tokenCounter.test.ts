import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultContextWindow, LOCAL_CONTEXT_WINDOW_GUESS } from '../../src/core/llm/contextWindow';
import { ESTIMATE_FACTOR, openAiEncodingOf, tokenCounterFor } from '../../src/core/llm/tokenCounter';

/** The prompts of a recorded 5 h study (shared test material, messages as sent). */
const REPLIES = join(__dirname, '..', '..', '..', 'shared', 'llm-replies');
const recordedPrompts = readdirSync(REPLIES).filter((f) => f.endsWith('.prompt.json'))
  .map((f) => ({ name: f, messages: JSON.parse(readFileSync(join(REPLIES, f), 'utf8')) as { role: string; content: string }[] }));

test('the encoding follows the model name: o200k for gpt-4o / 4.1 / 5 / o-series, cl100k for gpt-4 / 3.5, none for others', () => {
  for (const model of ['gpt-4o-mini', 'gpt-4o-2024-08-06', 'gpt-4.1-nano', 'gpt-5-mini', 'o1', 'o3-mini', 'o4-mini', 'openai/gpt-4o', 'gpt-oss:20b']) {
    assert.equal(openAiEncodingOf(model), 'o200k_base', model);
  }
  for (const model of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'gpt-35-turbo']) assert.equal(openAiEncodingOf(model), 'cl100k_base', model);
  for (const model of ['llama3.1:8b', 'qwen2.5:7b-instruct', 'mistral', 'deepseek-r1:14b', 'fake-llm']) assert.equal(openAiEncodingOf(model), undefined, model);
  assert.equal(tokenCounterFor('llama3.1').method, 'cl100k_base×1.25');
});

test('messages are counted with the chat framing; the estimate is cl100k x 1.25, rounded up', () => {
  const gpt4o = tokenCounterFor('gpt-4o');
  const messages = [{ content: 'You are NAS.' }, { content: 'Propose 8 cells.' }];
  assert.equal(gpt4o.countMessages(messages), gpt4o.count('You are NAS.') + gpt4o.count('Propose 8 cells.') + 2 * 4 + 3);
  const text = messages.map((m) => m.content).join('\n');
  assert.equal(tokenCounterFor('llama3').count(text), Math.ceil(tokenCounterFor('gpt-4').count(text) * ESTIMATE_FACTOR));
  assert.doesNotThrow(() => gpt4o.count('a prompt quoting <|endoftext|> is counted, not refused'));
});

test('on the recorded study prompts: chars/4 counts too few tokens, cl100k never fewer than o200k, the estimate more than either', () => {
  assert.equal(recordedPrompts.length, 5);
  const o200k = tokenCounterFor('gpt-4o-mini');
  const cl100k = tokenCounterFor('gpt-4');
  const estimate = tokenCounterFor('llama3.1:8b');
  const ratios: string[] = [];
  for (const { name, messages } of recordedPrompts) {
    const text = messages.map((m) => m.content).join('\n');
    const [o, c, e] = [o200k.count(text), cl100k.count(text), estimate.count(text)];
    ratios.push(`${name}: ${text.length} chars, o200k ${o} (${(text.length / o).toFixed(2)} chars/token), cl100k ${c}, estimate ${e}`);
    assert.ok(c >= o, `${name}: cl100k ${c} >= o200k ${o}`);
    assert.ok(e > c && e > o, name);
    // chars/4 (the old budget) counts too few tokens on every one of them.
    assert.ok(text.length / o > 2 && text.length / o < 4, `${name}: ${(text.length / o).toFixed(2)} chars per o200k token`);
  }
  console.log(ratios.join('\n'));
});

test('the byte bound is never below the count, for exact encodings and the estimate, and loads no encoding', () => {
  const texts = [...recordedPrompts.flatMap((p) => p.messages.map((m) => m.content)), 'é ü 日本語 🙂 <|endoftext|>', '', ' '.repeat(40)];
  for (const model of ['gpt-4o-mini', 'gpt-4', 'llama3.1:8b']) {
    const counter = tokenCounterFor(model);
    for (const { name, messages } of recordedPrompts) {
      const bound = counter.boundMessages(messages);
      const count = counter.countMessages(messages);
      assert.ok(bound >= count, `${model} ${name}: bound ${bound} >= count ${count}`);
      // Not so loose that a prompt that fits is always counted first: at most ~6 bytes a token on these prompts.
      assert.ok(bound < count * 6, `${model} ${name}: bound ${bound} vs count ${count}`);
    }
    for (const text of texts) assert.ok(counter.boundMessages([{ content: text }]) >= counter.countMessages([{ content: text }]), `${model}: ${text.slice(0, 20)}`);
  }
  assert.equal(tokenCounterFor('gpt-4o').boundMessages([{ content: 'ab' }, { content: 'é' }]), 2 + 2 + 2 * 4 + 3, 'UTF-8 bytes plus the framing');
  assert.equal(tokenCounterFor('llama3').boundMessages([{ content: 'abc' }]), Math.ceil(3 * ESTIMATE_FACTOR) + 4 + 3);
});

test('default windows: published ones on OpenAI and Azure, the 8,192 guess elsewhere', () => {
  assert.equal(defaultContextWindow('openai', 'gpt-4o-mini'), 128_000);
  assert.equal(defaultContextWindow('azure', 'gpt-4.1-mini'), 1_047_576);
  assert.equal(defaultContextWindow('openai', 'o3-mini'), 200_000);
  assert.equal(defaultContextWindow('openai', 'o1-mini'), 128_000);
  assert.equal(defaultContextWindow('openai', 'gpt-5-nano'), 400_000);
  assert.equal(defaultContextWindow('openai', 'gpt-4'), 8_192);
  assert.equal(defaultContextWindow('openai', 'gpt-3.5-turbo'), 16_385);
  assert.equal(defaultContextWindow('openai', 'some-new-model'), 128_000);
  for (const kind of ['ollama', 'lmstudio', 'vllm', 'llamacpp', 'custom'] as const) {
    assert.equal(defaultContextWindow(kind, 'gpt-4o-mini'), LOCAL_CONTEXT_WINDOW_GUESS, kind);
  }
});
