import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, LlmChat, LlmChatResult } from '../../src/core/llambo/llmChat';
import { LlmCallRecorder, type CallSpec, type LlmCallEventDraft } from '../../src/core/llambo/llmCallRecorder';
import { PromptBudget } from '../../src/core/llambo/promptBudget';

/**
 * A prompt whose byte bound fits the window is sent before its tokens are counted, so a tokenizer
 * that still has to load (~0.3 s, a study's first prompt) waits beside the LLM rather than before
 * it; the count still reaches the llmCall event. A prompt the bound does not clear is counted first,
 * and one over the window is never sent.
 */

/** A budget that notes each exact count in `log`. */
class NotingBudget extends PromptBudget {
  constructor(window: number, private readonly log: string[]) { super(window, 'gpt-4o-mini'); }
  override promptTokens(messages: readonly ChatMessage[]): number {
    this.log.push('counted');
    return super.promptTokens(messages);
  }
}

const reply = (): LlmChatResult => ({
  texts: ['{"cells": []}'], usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0 }, latencySeconds: 0.2, costUsd: 0,
  cacheHit: false, retries: 0,
});

function spec(content: string, maxTokens = 100): CallSpec {
  return { component: 'warmstart', template: 'warmstart', asked: 1, messages: [{ role: 'user', content }], params: { maxTokens } };
}

/** A chat that notes when it is called and answers after a few turns of the loop (a request in flight). */
function slowChat(log: string[]): LlmChat {
  return async () => {
    log.push('sent');
    for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
    log.push('replied');
    return reply();
  };
}

test('a prompt that surely fits is sent first and counted while its request is out; the event has the count', async () => {
  const log: string[] = [];
  const events: LlmCallEventDraft[] = [];
  const recorder = new LlmCallRecorder(slowChat(log), (e) => events.push(e), undefined, 'llambo', undefined, new NotingBudget(8192, log));
  const [outcome] = await recorder.run([spec('Propose 8 cells for NAS-Bench-201.')]);
  assert.deepEqual(log, ['sent', 'counted', 'replied']);
  recorder.record(outcome);
  const counted = new PromptBudget(8192, 'gpt-4o-mini').promptTokens(spec('Propose 8 cells for NAS-Bench-201.').messages);
  assert.equal(events[0].promptFit?.countedTokens, counted);
});

test('a reply that comes at once (a cache hit) is not held back: the prompt is counted as soon as it is in', async () => {
  const log: string[] = [];
  const chat: LlmChat = async () => { log.push('sent'); return reply(); };
  const recorder = new LlmCallRecorder(chat, undefined, undefined, 'llambo', undefined, new NotingBudget(8192, log));
  await recorder.run([spec('a cached prompt')]);
  assert.deepEqual(log, ['sent', 'counted']);
});

test('a prompt the byte bound does not clear is counted before it is sent, and one over the window is not sent', async () => {
  const log: string[] = [];
  const recorder = new LlmCallRecorder(slowChat(log), undefined, undefined, 'llambo', undefined, new NotingBudget(1000, log));
  // 'word ' is one o200k token: ~700 tokens, 3,500 bytes: the bound (3,500 + 100) says no, the count says it fits.
  const [fits] = await recorder.run([spec('word '.repeat(700))]);
  assert.deepEqual(log, ['counted', 'sent', 'replied']);
  assert.equal(fits.error, undefined);
  log.length = 0;
  await assert.rejects(recorder.run([spec('word '.repeat(2000))]), /context window of 1000 tokens/);
  assert.deepEqual(log, ['counted'], 'never sent');
});

test('a chat that throws at once is a failed call, as before', async () => {
  const chat: LlmChat = () => { throw new Error('no transport'); };
  const recorder = new LlmCallRecorder(chat, undefined, undefined, 'llambo', undefined, new PromptBudget(8192, 'gpt-4o-mini'));
  const [outcome] = await recorder.run([spec('hello')]);
  assert.match(outcome.error ?? '', /no transport/);
});
