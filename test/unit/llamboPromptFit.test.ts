import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import type { LlmCallEvent, StudyEvent } from '../../src/core/events/studyEvents';
import type { LlmChat } from '../../src/core/llambo/llmChat';
import { tokenCounterFor } from '../../src/core/llm/tokenCounter';
import { runStudy } from '../../src/core/study/studyRunner';
import { benchmarkOracle, collectEvents, median } from '../support/llamboStudyHarness';
import { fakeChat, oracleReplier } from '../support/llmResponders';

/**
 * Prompts never exceed the context window, late in a 5 h study with hundreds of evaluated cells. The
 * double stands in for a local server with a small window (Ollama's num_ctx): it counts each prompt
 * with the model's real tokenizer (gpt-4o-mini: o200k_base, the encoding LLAMBO counts with too) and
 * notes every request whose prompt plus max_tokens would not fit, i.e. one a server would cut.
 */

const benchmark = loadTable();
const oracle = benchmarkOracle(benchmark, 2500);
const serverTokens = tokenCounterFor('gpt-4o-mini');

function windowedServer(window: number): { chat: LlmChat; overflows: number[] } {
  const inner = fakeChat(oracleReplier(oracle));
  const overflows: number[] = [];
  const chat: LlmChat = async (request) => {
    const tokens = serverTokens.countMessages(request.messages);
    if (tokens + (request.maxTokens ?? 0) > window) overflows.push(tokens);
    return inner(request);
  };
  return { chat, overflows };
}

async function studyWithWindow(window: number) {
  const server = windowedServer(window);
  const { events, sink } = collectEvents();
  await runStudy({
    searcher: 'llambo', hours: 5, workers: 4, seed: 1, studyId: `window-${window}`,
    llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-4o-mini', contextWindow: window },
    searcherOptions: { rejectDisconnected: false },
  }, { benchmark, sinks: [sink], llm: { chat: server.chat } });
  return { events, overflows: server.overflows };
}

const calls = (events: readonly StudyEvent[]) => events.filter((e): e is LlmCallEvent => e.type === 'llmCall');
/** "Cells evaluated so far (shown of total)" of a prompt. */
function shownOfTotal(call: LlmCallEvent): [number, number] | undefined {
  const m = /Cells evaluated so far \((\d+) of (\d+)\)/.exec(call.messages.map((x) => x.content).join('\n'));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

for (const window of [8192, 4096]) {
  test(`window ${window}: every prompt of a 5 h study fits beside its reply, late prompts included`, async () => {
    const { events, overflows } = await studyWithWindow(window);
    const all = calls(events);
    assert.ok(all.length > 50, `${all.length} LLM calls`);
    assert.deepEqual(overflows, [], 'the server never had to cut a prompt');
    for (const call of all) {
      const fit = call.promptFit;
      assert.ok(fit, `${call.callId} records its prompt tokens`);
      assert.equal(fit.method, 'o200k_base');
      assert.equal(fit.contextWindow, window);
      assert.equal(fit.countedTokens, serverTokens.countMessages(call.messages), 'counted as the server counts');
      assert.ok(fit.countedTokens + fit.maxTokens <= window, `${call.callId}: ${fit.countedTokens} + ${fit.maxTokens} > ${window}`);
    }
    const late = all.filter((c) => (shownOfTotal(c)?.[1] ?? 0) >= 200);
    assert.ok(late.length > 10, `${late.length} prompts with 200 or more evaluated cells`);
    const tokens = all.map((c) => c.promptFit!.countedTokens);
    const shown = late.map((c) => shownOfTotal(c)![0]);
    console.log(`window ${window}: ${all.length} calls, prompt tokens median ${median(tokens)} max ${Math.max(...tokens)}; ` +
      `late prompts show ${Math.min(...shown)}-${Math.max(...shown)} history lines of ${Math.max(...late.map((c) => shownOfTotal(c)![1]))}`);
    assert.ok(Math.max(...tokens) > window * 0.6, 'the window is used, not left mostly empty');
  });
}

test('a window too small for even the shortest prompt stops the study with the settings to change', async () => {
  await assert.rejects(studyWithWindow(2000), (error: Error) => {
    assert.equal(error.name, 'PromptTooLong');
    assert.match(error.message, /the warmstart prompt needs \d+ tokens \(o200k_base\) plus 1200 for the reply, more than the context window of 2000 tokens/);
    assert.match(error.message, /--llm-context-window N/);
    return true;
  });
});
