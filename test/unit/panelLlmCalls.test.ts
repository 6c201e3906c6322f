import { test } from 'node:test';
import assert from 'node:assert/strict';
import { llmCallClipboardText, llmCallMarkdown } from '../../src/core/panel/llmCallMarkdown';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy } from '../../src/core/study/studyRunner';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { fakeChat, noiseReplier } from '../support/llmResponders';

const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script>';

async function llamboStudy() {
  const events: StudyEvent[] = [];
  // The noise replier proposes random cells; one sampler reply carries markup around its JSON.
  let samplerReplies = 0;
  const chat = fakeChat((view, request) => {
    const reply = noiseReplier(view, request);
    return view.kind === 'cells' && view.level !== undefined && samplerReplies++ === 0 ? `${MARKUP}\n${reply}` : reply;
  });
  const summary = await runStudy(
    { searcher: 'llambo', hours: 1, seed: 3, studyId: 'llm', llm: { model: 'fake', baseUrl: 'http://127.0.0.1:9/v1' } },
    { benchmark: makeFakeBenchmark(), sinks: [(e) => events.push(e)], llm: { chat } },
  );
  return { events, summary };
}

test('LLM calls: summaries and totals agree with the study, trials link back to the calls that made them', async () => {
  const { events, summary } = await llamboStudy();
  const builder = new PanelModelBuilder();
  builder.add(events);
  const model = builder.snapshot();
  const calls = events.filter((e) => e.type === 'llmCall');
  assert.ok(calls.length > 5);
  assert.deepEqual(model.llmCalls.map((c) => c.callId), calls.map((c) => c.callId));
  const llm = model.overview.llm;
  assert.ok(llm && summary.llm);
  // Health is the study's verdict on the endpoint (shown in the header), not an LLM count the panel sums.
  const { httpRequests: _http, retries: _retries, refusedRequests: _refused, endpointAdaptations: _adapted, health: _health, ...studyTotals } = summary.llm;
  assert.deepEqual(llm, studyTotals, 'the panel counts exactly as the study summary');
  assert.equal(llm.requests, calls.length);
  assert.equal(model.overview.fallbacks, summary.llm.fallbacks);
  assert.equal(model.llmCalls.reduce((a, c) => a + c.dropped, 0), summary.llm.droppedCells);
  const proposalCalls = model.llmCalls.filter((c) => c.proposalYield !== null);
  assert.ok(proposalCalls.length > 0 && proposalCalls.every((c) => c.component !== 'surrogate'), 'proposal calls carry their yield');
  assert.equal(proposalCalls.reduce((a, c) => a + c.proposalYield!.proposed, 0), summary.llm.proposalYield.proposed, 'per-call yields add up to the study yield');

  const proposed = model.trials.filter((t) => t.source === 'llambo');
  assert.ok(proposed.length > 0 && proposed.every((t) => t.callIds.length > 0 && t.predictedMean !== null && t.ei !== null));
  // "Why this cell" shows the EI rank among the candidates: a rank within 1..candidates, and the top rank is picked.
  for (const t of proposed) {
    const { scoreRank, candidates } = t.info as { scoreRank?: number; candidates?: number };
    assert.ok(typeof scoreRank === 'number' && typeof candidates === 'number' && scoreRank >= 1 && scoreRank <= candidates, `trial ${t.id}: rank ${scoreRank} of ${candidates}`);
  }
  assert.ok(proposed.some((t) => (t.info as { scoreRank: number }).scoreRank === 1), 'the best-scored candidate is among the picks');
  for (const trial of proposed) {
    for (const callId of trial.callIds) {
      const call = model.llmCalls.find((c) => c.callId === callId);
      assert.ok(call?.trialIds.includes(trial.id), `call ${callId} links back to trial ${trial.id}`);
    }
  }
  const components = new Set(model.llmCalls.filter((c) => c.trialIds.length > 0).map((c) => c.component));
  assert.ok(components.has('sampler') && components.has('surrogate') && components.has('warmstart'));
});

test('LLM call text comes on request, as text; search finds prompts and replies case-insensitively', async () => {
  const { events } = await llamboStudy();
  const builder = new PanelModelBuilder();
  builder.add(events);
  const model = builder.snapshot();
  assert.ok(JSON.stringify(model).length < JSON.stringify(events).length / 3, 'the model leaves the long texts out');
  const marked = events.find((e) => e.type === 'llmCall' && e.reply?.startsWith(MARKUP));
  assert.ok(marked && marked.type === 'llmCall');
  const text = builder.llmCallText(marked.callId);
  assert.equal(text?.reply, marked.reply);
  assert.deepEqual(text?.messages, marked.messages);
  assert.equal(builder.llmCallText('no-such-call'), undefined);

  const hits = builder.searchLlmCalls('ONERROR=ALERT');
  assert.deepEqual(hits.map((h) => h.callId), [marked.callId]);
  assert.equal(hits[0].field, 'reply');
  assert.ok(hits[0].snippet.includes('onerror=alert(1)'));
  const prompts = builder.searchLlmCalls('cifar-10');
  assert.ok(prompts.length > 0 && prompts.every((h) => h.field === 'prompt'));
  assert.deepEqual(builder.searchLlmCalls('   '), []);
  assert.equal(builder.searchLlmCalls('cifar-10', 2).length, 2);

  // A word of the system prompt matches every call that has it; skipping system messages leaves those
  // calls whose own prompt or reply has it.
  const calls = events.filter((e) => e.type === 'llmCall');
  const system = calls.flatMap((c) => c.messages).find((m) => m.role === 'system');
  assert.ok(system, 'the sampler sends a system prompt');
  const word = system.content.split(/\s+/).find((w) => w.length > 6) ?? '';
  const has = (text: string | null) => text !== null && text.toLowerCase().includes(word.toLowerCase());
  const withSystem = builder.searchLlmCalls(word).map((h) => h.callId);
  const skipping = builder.searchLlmCalls(word, undefined, { skipSystem: true }).map((h) => h.callId);
  assert.deepEqual(withSystem, calls.filter((c) => has(c.reply) || c.messages.some((m) => has(m.content))).map((c) => c.callId));
  assert.deepEqual(skipping, calls.filter((c) => has(c.reply) || c.messages.some((m) => m.role !== 'system' && has(m.content))).map((c) => c.callId));
  assert.ok(skipping.length < withSystem.length, `"${word}" is in the system prompt of more calls than their own texts`);
});

test('copy and "open as editor tab" texts keep the reply verbatim, fenced safely', async () => {
  const { events } = await llamboStudy();
  const builder = new PanelModelBuilder();
  builder.add(events);
  const marked = events.find((e) => e.type === 'llmCall' && e.reply?.startsWith(MARKUP));
  assert.ok(marked && marked.type === 'llmCall');
  const text = builder.llmCallText(marked.callId);
  assert.ok(text);
  assert.equal(llmCallClipboardText(text, 'reply'), marked.reply);
  assert.ok(llmCallClipboardText(text, 'prompt').startsWith(`[system]\n${marked.messages[0].content}`));
  const tricky = { ...text, reply: 'before ```` inside ```' };
  const markdown = llmCallMarkdown(tricky, builder.snapshot().llmCalls.find((c) => c.callId === marked.callId));
  assert.ok(markdown.includes('`````text\nbefore ```` inside ```\n`````'), 'the fence is longer than any backtick run in the text');
  assert.match(markdown, /^# LLM call llambo-\d+\n\n- component: sampler/);
});
