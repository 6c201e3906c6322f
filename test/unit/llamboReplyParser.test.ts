import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCellsReply } from '../../src/core/llambo/cellReplyParser';
import { parseLabelsReply, parsePredictionsReply } from '../../src/core/llambo/predictionReplyParser';
import { labelProbabilities, tokensOfChoice } from '../../src/core/llambo/tokenLogprobs';

const BEST = [3, 3, 3, 1, 3, 2]; // |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
const BEST_NAMES = '["nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3", "skip_connect", "nor_conv_3x3", "nor_conv_1x1"]';

test('cells: the asked JSON format, JSON in a code fence, and JSON inside prose', () => {
  const asked = `{"cells": [{"edges": ${BEST_NAMES}}, {"edges": ["none", "skip_connect", "avg_pool_3x3", "nor_conv_1x1", "none", "skip_connect"]}]}`;
  assert.deepEqual(parseCellsReply(asked).cells, [BEST, [0, 1, 4, 2, 0, 1]]);
  const fenced = 'Sure! Here are my proposals:\n```json\n' + asked + '\n```\nGood luck.';
  assert.deepEqual(parseCellsReply(fenced).cells, [BEST, [0, 1, 4, 2, 0, 1]]);
  const prose = `I think the first one is best ${asked} because convolutions help.`;
  assert.deepEqual(parseCellsReply(prose).cells, [BEST, [0, 1, 4, 2, 0, 1]]);
});

test('cells: JSON lines, bare lists, hp_x keys, edge keys, arch strings and the ## ... ## format', () => {
  const jsonLines = `{"edges": ${BEST_NAMES}}\n{"edges": ["skip", "conv3x3", "zero", "identity", "avgpool", "1x1 conv"]}`;
  assert.deepEqual(parseCellsReply(jsonLines).cells, [BEST, [1, 3, 0, 1, 4, 2]]);
  assert.deepEqual(parseCellsReply(`[${BEST_NAMES}]`).cells, [BEST]);
  const hp = '{"cells": [{"hp_x0": "nor_conv_3x3", "hp_x1": "nor_conv_3x3", "hp_x2": "nor_conv_3x3", "hp_x3": "skip_connect", "hp_x4": "nor_conv_3x3", "hp_x5": "nor_conv_1x1"}]}';
  assert.deepEqual(parseCellsReply(hp).cells, [BEST]);
  // Keys name edges, deliberately out of slot order: 1->2 is slot 2, 0->3 is slot 3.
  const keyed = '{"edges": {"0->3": "skip_connect", "1->2": "avg_pool_3x3", "0->1": "none", "0->2": "nor_conv_1x1", "1->3": "none", "2->3": "nor_conv_3x3"}}';
  assert.deepEqual(parseCellsReply(keyed).cells, [[0, 2, 4, 1, 0, 3]]);
  const arch = 'Try |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2| first.';
  assert.deepEqual(parseCellsReply(arch).cells, [BEST]);
  const hashes = '## nor_conv_3x3, nor_conv_3x3, nor_conv_3x3, skip_connect, nor_conv_3x3, nor_conv_1x1 ##\n## hp_x0: none, hp_x1: skip, hp_x2: none, hp_x3: conv1x1, hp_x4: none, hp_x5: none ##';
  const parsed = parseCellsReply(hashes);
  assert.deepEqual(parsed.cells, [BEST, [0, 1, 0, 2, 0, 0]]);
  assert.ok(parsed.notes.some((n) => /non-JSON/.test(n)));
});

test('cells: wrong ops, wrong edge counts and numbers are rejected with reasons; near-JSON is repaired', () => {
  const reply = `{"cells": [
    {"edges": ["conv5x5", "none", "none", "none", "none", "skip_connect"]},
    {"edges": ["none", "none", "skip_connect"]},
    {"edges": [3, 3, 3, 1, 3, 2]},
    {"edges": ${BEST_NAMES}},
  ]}`;
  const parsed = parseCellsReply(reply);
  assert.deepEqual(parsed.cells, [BEST]);
  assert.equal(parsed.rejected.length, 3);
  assert.match(parsed.rejected[0].reason, /unknown op "conv5x5" on edge 0->1/);
  assert.match(parsed.rejected[1].reason, /3 edges, expected 6/);
  assert.match(parsed.rejected[2].reason, /op given as a number \(3\) on edge 0->1/);
  const single = parseCellsReply("{'cells': [{'edges': ['skip', 'skip', 'skip', 'skip', 'skip', 'skip']}]}");
  assert.deepEqual(single.cells, [[1, 1, 1, 1, 1, 1]]);
});

test('cells: empty replies and replies without cells give no cells and say why', () => {
  assert.deepEqual(parseCellsReply('').cells, []);
  assert.deepEqual(parseCellsReply('   ').notes, ['empty reply']);
  const prose = parseCellsReply('I cannot help with that.');
  assert.equal(prose.cells.length, 0);
  assert.ok(prose.notes.includes('no cells found in the reply'));
});

test('predictions: asked format, id maps, positional lists, lines and ## ## values', () => {
  const ids = ['c1', 'c2', 'c3'];
  const asked = parsePredictionsReply('{"predictions": [{"id": "c1", "error": 0.12}, {"id": "c2", "error": 0.3}, {"id": "c3", "error": "0.45"}]}', ids);
  assert.deepEqual([...asked.values], [['c1', 0.12], ['c2', 0.3], ['c3', 0.45]]);
  assert.deepEqual(asked.rejected, []);
  assert.deepEqual([...parsePredictionsReply('```\n{"c1": 0.2, "c3": 0.1}\n```', ids).values], [['c1', 0.2], ['c3', 0.1]]);
  const positional = parsePredictionsReply('[0.2, 0.25, 0.3]', ids);
  assert.deepEqual([...positional.values.values()], [0.2, 0.25, 0.3]);
  assert.ok(positional.notes.includes('predictions read by position'));
  assert.equal(parsePredictionsReply('[0.2, 0.25]', ids).values.size, 0, 'a positional list of the wrong length is not guessed');
  assert.deepEqual([...parsePredictionsReply('c1: 0.2\nc2 = 0.4\n', ids).values], [['c1', 0.2], ['c2', 0.4]]);
  assert.deepEqual([...parsePredictionsReply('## 0.11 ##\n## 0.22 ##\n## 0.33 ##', ids).values.values()], [0.11, 0.22, 0.33]);
});

test('predictions: NaN, out-of-range, unknown ids, duplicates are rejected; percentages and accuracies converted', () => {
  const ids = ['c1', 'c2', 'c3', 'c4'];
  const bad = parsePredictionsReply('{"predictions": [{"id": "c1", "error": NaN}, {"id": "c2", "error": 1.7}, {"id": "c9", "error": 0.1}, {"id": "c3", "error": 0.2}, {"id": "c3", "error": 0.25}, {"id": "c4", "error": -0.1}]}', ids);
  assert.deepEqual([...bad.values], [['c3', 0.2]]);
  const reasons = bad.rejected.map((r) => r.reason);
  assert.ok(reasons.some((r) => /not a number \(NaN\)/.test(r)), reasons.join('; '));
  assert.ok(reasons.some((r) => /1\.7 out of range/.test(r)));
  assert.ok(reasons.some((r) => /unknown candidate id "c9"/.test(r)));
  assert.ok(reasons.some((r) => /duplicate id/.test(r)));
  assert.ok(reasons.some((r) => /-0\.1 out of range/.test(r)));
  assert.ok(bad.notes.some((n) => /missing predictions for 3 of 4/.test(n)));
  const percent = parsePredictionsReply('{"predictions": [{"id": "c1", "error": 12.5}, {"id": "c2", "error": 30}]}', ids);
  assert.deepEqual([...percent.values], [['c1', 0.125], ['c2', 0.3]]);
  assert.ok(percent.notes.includes('values read as percentages'));
  const signed = parsePredictionsReply('{"c1": "8%", "c2": 0.5}', ids);
  assert.equal(signed.values.get('c1'), 0.08);
  assert.equal(signed.values.get('c2'), 0.5, 'an unsigned fraction beside a % value stays a fraction');
  const accuracy = parsePredictionsReply('[{"id": "c1", "accuracy": 0.9}]', ids);
  assert.ok(Math.abs((accuracy.values.get('c1') as number) - 0.1) < 1e-12);
  assert.ok(accuracy.notes.includes('accuracies converted to errors'));
  assert.equal(parsePredictionsReply('', ids).values.size, 0);
});

test('labels: positions of label digits are found and log-probabilities give p(top)', () => {
  const text = '{"labels": [{"id": "c1", "top": 1}, {"id": "c2", "top": 0}]}';
  const parsed = parseLabelsReply(text, ['c1', 'c2']);
  assert.deepEqual([...parsed.labels], [['c1', 1], ['c2', 0]]);
  assert.equal(text[parsed.positions.get('c1') as number], '1');
  assert.equal(text[parsed.positions.get('c2') as number], '0');
  // Tokenise so that each label digit is its own token.
  const p1 = parsed.positions.get('c1') as number, p2 = parsed.positions.get('c2') as number;
  const pieces = [text.slice(0, p1), text[p1], text.slice(p1 + 1, p2), text[p2], text.slice(p2 + 1)];
  const lp = (p: number) => Math.log(p);
  const tokens = [
    { token: pieces[0], logprob: 0, topLogprobs: [] },
    { token: '1', logprob: lp(0.7), topLogprobs: [{ token: '1', logprob: lp(0.7) }, { token: '0', logprob: lp(0.2) }] },
    { token: pieces[2], logprob: 0, topLogprobs: [] },
    { token: '0', logprob: lp(0.6), top_logprobs: [{ token: '0', logprob: lp(0.6) }] },
    { token: pieces[4], logprob: 0, topLogprobs: [] },
  ];
  const read = tokensOfChoice([tokens], 0);
  assert.ok(read);
  const p = labelProbabilities(read, text, parsed.positions);
  assert.ok(Math.abs((p.get('c1') as number) - 0.7 / 0.9) < 1e-9);
  assert.ok(Math.abs((p.get('c2') as number) - 0.4) < 1e-9);
  assert.equal(tokensOfChoice(undefined, 0), undefined);
  assert.ok(tokensOfChoice([{ content: tokens }], 0), 'OpenAI {content: [...]} shape is read too');
});
