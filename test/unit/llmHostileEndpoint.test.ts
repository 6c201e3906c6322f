import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandOutput } from '../../src/cli/commandOutput';
import { runCli } from '../../src/cli/main';
import { LlmClient } from '../../src/core/llm/llmClient';
import { LlmRequestFailed } from '../../src/core/llm/llmErrors';
import { MAX_RETRY_AFTER_MS } from '../../src/core/llm/retryPolicy';
import { echoResponder, FakeLlmServer } from '../support/fakeLlmServer';

test('a 429 with Retry-After: 100 fails the call at once by default instead of waiting 4 x 100 s', async () => {
  const server = await new FakeLlmServer(() => ({ status: 429, headers: { 'retry-after': '100' }, json: { error: { message: 'slow down' } } })).start();
  try {
    const waits: number[] = [];
    const client = new LlmClient({ baseUrl: server.baseUrl, model: 'm', sleep: async (ms) => { waits.push(ms); } });
    const error = await client.chat({ messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    assert.ok(error instanceof LlmRequestFailed);
    assert.equal(error.reason, 'retryAfterTooLong');
    assert.match(error.message, new RegExp(`retry after 100 s, more than the ${MAX_RETRY_AFTER_MS / 1000} s allowed`));
    assert.deepEqual(waits, []);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('the start note promises no dollar budget for a model without a price', async () => {
  const server = await new FakeLlmServer(echoResponder).start();
  try {
    const lines: string[] = [];
    const out: CommandOutput = { stdout: () => {}, stderr: (l) => lines.push(l), progressStream: process.stderr };
    await runCli(['study', '--searcher', 'llambo', '--llm-base-url', server.baseUrl, '--model', 'no-such-priced-model', '--hours', '0.02'], out, undefined, {});
    const note = lines.find((l) => l.startsWith('LLM: ')) ?? '';
    assert.match(note, /no price known for "no-such-priced-model", so no dollar budget applies/);
    assert.doesNotMatch(note, /dollar budget \$1/);
  } finally {
    await server.close();
  }
});
