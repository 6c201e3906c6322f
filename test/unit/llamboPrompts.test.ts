import { PromptBudget } from '../../src/core/llambo/promptBudget';
import { tokenCounterFor } from '../../src/core/llm/tokenCounter';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CellHistory } from '../../src/core/llambo/cellHistory';
import { renderCurveHistory } from '../../src/core/llambo/historyRendering';
import { LlamboPrompts } from '../../src/core/llambo/llamboPrompts';
import { loadPromptTemplates, PROMPT_NAMES, PROMPT_VARIABLES, PromptTemplateError } from '../../src/core/llambo/promptTemplates';
import { cellFromCode } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';

const templates = loadPromptTemplates();

test('the system prompt names the six edges in NB201 order (1->2 before 0->3) and the five ops', () => {
  const system = new LlamboPrompts(templates, 'none').system();
  const order = ['edge 1: 0->1', 'edge 2: 0->2', 'edge 3: 1->2', 'edge 4: 0->3', 'edge 5: 1->3', 'edge 6: 2->3'].map((e) => system.indexOf(e));
  assert.ok(order.every((i) => i >= 0), 'every edge is listed');
  assert.deepEqual(order.slice().sort((a, b) => a - b), order, 'edges appear in slot order');
  assert.match(system, /node 0 is the cell input and node 3 is the cell output/);
  for (const op of ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']) assert.ok(system.includes(op));
  assert.match(system, /0->1 avg_pool_3x3, 0->2 nor_conv_1x1, 1->2 skip_connect, 0->3 none, 1->3 nor_conv_3x3, 2->3 skip_connect/);
  assert.ok(!system.includes('<!--'), 'reader notes are stripped');
});

test('context levels: none has no task facts, partial the task, full the cell semantics and training recipe', () => {
  const none = new LlamboPrompts(templates, 'none').user('warmstart', { count: 8, cellWord: 'cells', focus: '', pending: '' });
  const partial = new LlamboPrompts(templates, 'partial').user('warmstart', { count: 8, cellWord: 'cells', focus: '', pending: '' });
  const full = new LlamboPrompts(templates, 'full').user('warmstart', { count: 8, cellWord: 'cells', focus: '', pending: '' });
  assert.ok(!none.includes('CIFAR-10'));
  assert.ok(partial.includes('CIFAR-10') && partial.includes('1 - test accuracy') && !partial.includes('Nesterov'));
  for (const fact of ['sum of its incoming edges', 'none removes the edge', 'skip_connect is the identity', 'ReLU-Conv-BatchNorm',
    '3x3 average pooling', '3 stages of 5 cells with 16, 32 and 64 channels', 'residual reduction block', 'Nesterov momentum 0.9',
    'learning rate 0.1 cosine-annealed to 0 over 200 epochs', 'weight decay 5e-4', 'batch size 256', 'about 90% error']) {
    assert.ok(full.includes(fact), `full context states: ${fact}`);
  }
  assert.match(full, /Propose 8 distinct cells/);
  assert.match(full, /\{"cells": \[\{"edges": \["op", "op", "op", "op", "op", "op"\]\}\]\}/);
  assert.ok(!/\n{3,}/.test(none), 'an empty context leaves no hole');
});

test('every shipped template renders with its declared placeholders and none left over', () => {
  const prompts = new LlamboPrompts(templates, 'full');
  for (const name of PROMPT_NAMES) {
    const values = Object.fromEntries(PROMPT_VARIABLES[name].map((v) => [v, `<${v}>`]));
    const text = name === 'system' || name.startsWith('context') ? templates.render(name, values) : prompts.user(name, values);
    assert.ok(!text.includes('{{'), `${name} has no unfilled placeholder`);
    for (const v of PROMPT_VARIABLES[name]) if (v !== 'context') assert.ok(text.includes(`<${v}>`), `${name} uses {{${v}}}`);
  }
});

test('an override folder replaces files of the same name; unknown placeholders are refused at load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llambo-prompts-'));
  try {
    writeFileSync(join(dir, 'warmstart.md'), '<!-- mine -->\nGive me {{count}} cells please. {{context}}');
    const overridden = loadPromptTemplates({ overridesDir: dir });
    assert.deepEqual(overridden.overriddenNames(), ['warmstart']);
    assert.equal(new LlamboPrompts(overridden, 'none').user('warmstart', { count: 3, pending: '' }), 'Give me 3 cells please.');
    assert.equal(overridden.get('sampler').text, templates.get('sampler').text, 'other files stay shipped');
    writeFileSync(join(dir, 'sampler.md'), 'Target {{targetError}}');
    assert.throws(() => loadPromptTemplates({ overridesDir: dir }), (e: unknown) => e instanceof PromptTemplateError && /unknown placeholder \{\{targetError\}\}/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('level H is the highest rung level with 4 results; FIFO falls back to the highest epoch with 4', () => {
  const history = new CellHistory([1, 3, 9, 27, 81, 200], 200);
  assert.equal(history.levelH(4), undefined);
  for (let t = 0; t < 5; t++) history.add(t, cellFromCode(100 + t), 1, 0.5 + t / 100);
  for (let t = 0; t < 3; t++) history.add(t, cellFromCode(100 + t), 3, 0.4 + t / 100);
  assert.equal(history.levelH(4), 1);
  history.add(3, cellFromCode(103), 3, 0.2);
  assert.equal(history.levelH(4), 3);
  const stats = history.levelStats(3);
  assert.ok(stats);
  assert.equal(stats.count, 4);
  assert.equal(stats.best, 0.2);
  assert.ok(Math.abs(stats.range - 0.22) < 1e-12);
  assert.deepEqual(stats.bestCell, cellFromCode(103));
  const fifo = new CellHistory([200], 200);
  for (let t = 0; t < 4; t++) for (let e = 1; e <= 5 + t; e++) fifo.add(t, cellFromCode(t), e, 0.9 - e / 100);
  assert.equal(fifo.levelH(4), 5);
  fifo.add(9, cellFromCode(9), 12, 0.3);
  assert.equal(fifo.levelH(4), 5);
  assert.equal(fifo.levelH(1), 12);
});

test('history rendering keeps within its token budget and always shows the best and the latest cell', () => {
  const levels = [1, 3, 9, 27, 81, 200];
  const history = new CellHistory(levels, 200);
  for (let t = 0; t < 300; t++) {
    history.add(t, cellFromCode(t * 37), 1, 0.3 + ((t * 7919) % 300) / 1000);
    if (t % 3 === 0) history.add(t, cellFromCode(t * 37), 3, 0.25 + ((t * 104729) % 300) / 1000);
  }
  const stats = history.levelStats(3);
  assert.ok(stats);
  const budget = new PromptBudget(8192, 'gpt-4o-mini').lines(2000);
  const block = renderCurveHistory([...history.records()], 3, levels, budget, new SeededRandom(1));
  const tokens = tokenCounterFor('gpt-4o-mini').count(block.text);
  assert.ok(tokens <= 2000 && tokens > 1800, `history uses ${tokens} o200k tokens for a 2000-token budget`);
  assert.equal(block.totalCount, 300);
  assert.ok(block.shownCount > 20 && block.shownCount < 300);
  const bestLine = block.text.split('\n').find((l) => l.includes(`"3": ${stats.best.toFixed(4)}`));
  assert.ok(bestLine, 'the incumbent at H is shown');
  assert.equal(block.text.split('\n').length, block.shownCount);
  assert.ok(block.text.includes(`"1": ${(0.3 + ((299 * 7919) % 300) / 1000).toFixed(4)}`), 'the most recent cell is shown');
  const again = renderCurveHistory([...history.records()], 3, levels, budget, new SeededRandom(2));
  assert.deepEqual(again.text.split('\n').sort(), block.text.split('\n').sort(), 'variants show the same cells');
  assert.notEqual(again.text, block.text, 'in a different order');
});
