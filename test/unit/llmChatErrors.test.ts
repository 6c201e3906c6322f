import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, isBudgetExhausted, isCancellation, isReplayMiss } from '../../src/core/llambo/llmChat';
import { LlmBudgetExhausted, LlmCancelled, LlmRequestFailed, ReplyCacheMiss } from '../../src/core/llm/llmErrors';

test('LLAMBO recognises the client\'s errors by their code, not by class or constructor name', () => {
  assert.ok(isBudgetExhausted(new LlmBudgetExhausted('usd', 1, 1)));
  assert.ok(isReplayMiss(new ReplyCacheMiss('k', 0, 'sampler', undefined, 'hi')));
  assert.ok(isCancellation(new LlmCancelled(1)));
  // A copy from another bundle or a test double: same code, another class.
  assert.ok(isBudgetExhausted(Object.assign(new Error('spent'), { code: 'budgetExhausted' })));
  assert.ok(isReplayMiss({ code: 'replyCacheMiss' }));
  // Same name, no code: not the client's error.
  assert.equal(isBudgetExhausted(Object.assign(new Error('spent'), { name: 'LlmBudgetExhausted' })), false);
  assert.equal(isReplayMiss(new LlmRequestFailed('http', 500, 3, 'HTTP 500')), false);
  assert.equal(isCancellation(new LlmRequestFailed('timeout', undefined, 1, 'timed out')), false);
});

test('a platform abort or an aborted signal is a cancellation too', () => {
  assert.ok(isCancellation(new DOMException('aborted', 'AbortError')));
  const controller = new AbortController();
  controller.abort();
  assert.ok(isCancellation(new Error('anything'), controller.signal));
  assert.equal(isCancellation(new Error('anything'), new AbortController().signal), false);
});

test('describeError prefixes the error\'s own name once', () => {
  assert.match(describeError(new LlmBudgetExhausted('requests', 2, 2)), /^LlmBudgetExhausted: LLM budget exhausted: requests 2 of 2 used$/);
  assert.equal(describeError(new Error('plain')), 'plain');
  assert.equal(describeError('text'), 'text');
});
