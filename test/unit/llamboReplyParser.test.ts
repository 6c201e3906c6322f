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

const NONE6 = '["none", "none", "none", "none", "none", "none"]';
const SKIP6 = '["skip_connect", "skip_connect", "skip_connect", "skip_connect", "skip_connect", "skip_connect"]';

test('reasoning: cells named only inside a think block are never read', () => {
  const closed = parseCellsReply(`<think>Maybe ${NONE6}? No: it is disconnected. Also not {"cells": [{"edges": ${NONE6}}]}.</think>\n{"cells": [{"edges": ${BEST_NAMES}}]}`);
  assert.deepEqual(closed.cells, [BEST]);
  assert.ok(closed.notes.includes('1 reasoning block ignored'));
  const upper = parseCellsReply(`<THINKING>## none, none, none, none, none, none ##</THINKING>\n## ${JSON.parse(BEST_NAMES).join(', ')} ##`);
  assert.deepEqual(upper.cells, [BEST], 'case-insensitive <thinking>, and non-JSON forms inside it are ignored too');
  // DeepSeek-R1-style servers put <think> in the prompt template: the reply only closes it.
  const lone = parseCellsReply(`I first thought of ${NONE6}, rejected.\n</think>\n\n{"cells": [{"edges": ${SKIP6}}]}`);
  assert.deepEqual(lone.cells, [[1, 1, 1, 1, 1, 1]]);
  assert.ok(lone.notes.includes('text before a lone </think> read as reasoning'));
  // Opened and never closed: the model was still thinking when the reply ended; its drafts are no answer.
  const unclosed = parseCellsReply(`<think>Candidates: {"cells": [{"edges": ${SKIP6}}]} but let me check`);
  assert.deepEqual(unclosed.cells, []);
  assert.ok(unclosed.notes.some((n) => /<think> never closed/.test(n)), unclosed.notes.join('; '));
  const ids = ['c1', 'c2'];
  const predictions = parsePredictionsReply('<think>Draft: {"predictions": [{"id": "c1", "error": 0.9}, {"id": "c2", "error": 0.8}]}</think>{"predictions": [{"id": "c1", "error": 0.1}]}', ids);
  assert.deepEqual([...predictions.values], [['c1', 0.1]], 'the draft prediction in the think block is not taken for c2 either');
});

test('reasoning: label positions stay valid after a think block is blanked', () => {
  const text = '<think>{"labels": [{"id": "c1", "top": 0}]}</think>{"labels": [{"id": "c1", "top": 1}]}';
  const parsed = parseLabelsReply(text, ['c1']);
  assert.deepEqual([...parsed.labels], [['c1', 1]]);
  assert.equal(text[parsed.positions.get('c1') as number], '1');
  assert.ok(parsed.positions.get('c1') as number > text.indexOf('</think>'));
});

test('several answers: the last complete one wins; JSON lines still give every item', () => {
  const draft = parseCellsReply(`Here is my first attempt: {"cells": [{"edges": ${NONE6}}, {"edges": ${SKIP6}}]}\nActually, final answer:\n{"cells": [{"edges": ${BEST_NAMES}}]}`);
  assert.deepEqual(draft.cells, [BEST]);
  assert.ok(draft.notes.includes('1 earlier answer in the reply ignored; the last one read'));
  const fencedDraft = parseCellsReply(`Draft:\n\`\`\`json\n{"cells": [{"edges": ${NONE6}}]}\n\`\`\`\nCorrected: {"cells": [{"edges": ${SKIP6}}]}`);
  assert.deepEqual(fencedDraft.cells, [[1, 1, 1, 1, 1, 1]], 'a later unfenced answer beats a fenced draft');
  const lines = parseCellsReply(`{"edges": ${NONE6}}\n{"edges": ${SKIP6}}\n{"edges": ${BEST_NAMES}}`);
  assert.deepEqual(lines.cells, [[0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], BEST]);
  const quoted = parseCellsReply(`{"cells": [{"edges": ${SKIP6}}]}\nNote that ${BEST_NAMES} was already evaluated.`);
  assert.deepEqual(quoted.cells, [[1, 1, 1, 1, 1, 1]], 'a cell quoted beside the answer is not proposed');
  const ids = ['c1', 'c2'];
  const final = parsePredictionsReply('First: {"c1": 0.5, "c2": 0.6}. On reflection: {"c1": 0.2, "c2": 0.3}', ids);
  assert.deepEqual([...final.values], [['c1', 0.2], ['c2', 0.3]]);
  const jsonLines = parsePredictionsReply('{"id": "c1", "error": 0.2}\n{"id": "c2", "error": 0.3}', ids);
  assert.deepEqual([...jsonLines.values], [['c1', 0.2], ['c2', 0.3]]);
});

// BEST written edge by edge: 0->1 C3, 0->2 C3, 1->2 C3, 0->3 skip, 1->3 C3, 2->3 C1.
test('edge labels: every label form, in any order, in ## ## lines, strings, keyed objects and {edge, op} lists', () => {
  const forms = [
    '## 2->3: nor_conv_1x1, 0->3: skip_connect, 0->1: nor_conv_3x3, 1->3: nor_conv_3x3, 1->2: nor_conv_3x3, 0->2: nor_conv_3x3 ##',
    '## 2→3: conv1x1, 0→3: skip, 0→1: conv3x3, 1→3: conv3x3, 1→2: conv3x3, 0→2: conv3x3 ##',
    '## 2-3: conv1x1; 0-3: skip; 0-1: conv3x3; 1-3: conv3x3; 1-2: conv3x3; 0-2: conv3x3 ##',
    '## (2,3): conv1x1 | (0,3): skip | (0,1): conv3x3 | (1,3): conv3x3 | (1,2): conv3x3 | (0,2): conv3x3 ##',
    '## op_2_to_3: conv1x1, op_0_to_3: skip, op_0_to_1: conv3x3, op_1_to_3: conv3x3, op_1_to_2: conv3x3, op_0_to_2: conv3x3 ##',
    '## e23: conv1x1, e03: skip, e01: conv3x3, e13: conv3x3, e12: conv3x3, e02: conv3x3 ##',
    '## edge 6: conv1x1, edge 4: skip, edge 1: conv3x3, edge 5: conv3x3, edge 3: conv3x3, edge 2: conv3x3 ##',
    '{"e6": "conv1x1", "e4": "skip", "e1": "conv3x3", "e5": "conv3x3", "e3": "conv3x3", "edge_2": "conv3x3"}',
    '## hp_x5: conv1x1, hp_x3: skip, hp_x0: conv3x3, hp_x4: conv3x3, hp_x2: conv3x3, hp_x1: conv3x3 ##',
    '## x5 = conv1x1, x3 = skip, x0 = conv3x3, x4 = conv3x3, x2 = conv3x3, x1 = conv3x3 ##',
    '["2->3: nor_conv_1x1", "0->3: skip_connect", "0->1: nor_conv_3x3", "1->3: nor_conv_3x3", "1->2: nor_conv_3x3", "0->2: nor_conv_3x3"]',
    '{"cells": [{"edges": {"e23": "conv1x1", "e03": "skip", "e01": "conv3x3", "e13": "conv3x3", "e12": "conv3x3", "e02": "conv3x3"}}]}',
    '{"op_2_to_3": "conv1x1", "op_0_to_3": "skip", "op_0_to_1": "conv3x3", "op_1_to_3": "conv3x3", "op_1_to_2": "conv3x3", "op_0_to_2": "conv3x3", "reason": "best known"}',
    '[{"edge": "2->3", "op": "nor_conv_1x1"}, {"edge": "0->3", "op": "skip_connect"}, {"edge": "0->1", "op": "nor_conv_3x3"}, {"edge": "1->3", "op": "nor_conv_3x3"}, {"edge": "1->2", "op": "nor_conv_3x3"}, {"edge": "0->2", "op": "nor_conv_3x3"}]',
    '{"cells": [{"edges": [{"edge": 6, "op": "conv1x1"}, {"edge": 4, "op": "skip"}, {"edge": 1, "op": "conv3x3"}, {"edge": 5, "op": "conv3x3"}, {"edge": 3, "op": "conv3x3"}, {"edge": 2, "op": "conv3x3"}]}]}',
    '[{"from": 2, "to": 3, "operation": "conv1x1"}, {"from": 0, "to": 3, "operation": "skip"}, {"from": 0, "to": 1, "operation": "conv3x3"}, {"from": 1, "to": 3, "operation": "conv3x3"}, {"from": 1, "to": 2, "operation": "conv3x3"}, {"from": 0, "to": 2, "operation": "conv3x3"}]',
    '[{"2->3": "conv1x1"}, {"0->3": "skip"}, {"0->1": "conv3x3"}, {"1->3": "conv3x3"}, {"1->2": "conv3x3"}, {"0->2": "conv3x3"}]',
  ];
  for (const form of forms) {
    const parsed = parseCellsReply(form);
    assert.deepEqual(parsed.cells, [BEST], `${form}\n-> ${JSON.stringify(parsed)}`);
  }
});

test('edge labels: prose lists are read by label, one cell per run; remarks about single edges are not cells', () => {
  const prose = 'I propose two cells.\nCell A: 0->1: conv3x3, 1->2: conv 3x3, 0->2: nor_conv_3x3, 0->3: skip, 1->3: conv3x3 and 2->3: conv1x1.\n' +
    'Cell B uses 0->3: skip_connect (residual), 0->1: none, 0->2: none, 1->2: none, 1->3: none, 2->3: none.\nKeep 0->3: skip in mind.';
  const parsed = parseCellsReply(prose);
  assert.deepEqual(parsed.cells, [BEST, [0, 0, 0, 1, 0, 0]], JSON.stringify(parsed));
  assert.deepEqual(parsed.rejected, [], 'the one-edge remark "0->3: skip" is not refused as a cell');
  const vertical = parseCellsReply('Cell 1:\n- 0->1: nor_conv_3x3\n- 0->2: nor_conv_3x3\n- 1->2: nor_conv_3x3\n- 0->3: skip_connect\n- 1->3: nor_conv_3x3\n- 2->3: nor_conv_1x1\n' +
    '0->1: none\n0->2: none\n1->2: none\n0->3: skip\n1->3: none\n2->3: none\n');
  assert.deepEqual(vertical.cells, [BEST, [0, 0, 0, 1, 0, 0]], 'six entries then a line break start the next cell');
});

test('edge labels: a missing, repeated or unknown label refuses the cell with that reason; unlabelled lists keep edge order', () => {
  const reasons = (reply: string) => {
    const parsed = parseCellsReply(reply);
    assert.deepEqual(parsed.cells, [], reply);
    return parsed.rejected.map((r) => r.reason);
  };
  assert.deepEqual(reasons('## 0->1: skip, 0->2: skip, 1->2: skip, 1->2: none, 1->3: skip, 2->3: skip ##'), ['edge 1->2 given twice']);
  assert.deepEqual(reasons('## e01: skip, 0->1: none, 1->2: skip, 0->3: skip, 1->3: skip, 2->3: skip ##'), ['edge 0->1 given twice'], 'two spellings of one edge');
  assert.deepEqual(reasons('## 0->1: skip, 0->2: skip, 2->1: skip, 0->3: skip, 1->3: skip, 2->3: skip ##'), ['unknown edge label 2->1']);
  assert.deepEqual(reasons('{"0->1": "skip", "0->2": "skip", "1->2": "skip", "0->3": "skip", "1->3": "skip"}'), ['missing edge 2->3']);
  assert.deepEqual(reasons('{"edges": {"x0": "skip", "x1": "skip", "x2": "skip", "x3": "skip"}}'), ['missing edges 1->3, 2->3']);
  assert.deepEqual(reasons('["edge 7: skip", "edge 1: skip", "edge 2: skip", "edge 3: skip", "edge 4: skip", "edge 5: skip"]'), ['unknown edge label edge 7']);
  assert.deepEqual(reasons('["0->1: skip", "skip", "skip", "skip", "skip", "skip"]'), ['edge labels on only 1 of 6 ops']);
  assert.deepEqual(reasons('[{"edge": "first", "op": "skip"}, {"edge": "0->2", "op": "skip"}]'), ['not an edge label: "first"']);
  // No labels: position is the documented edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3.
  assert.deepEqual(parseCellsReply('## avg_pool_3x3, nor_conv_1x1, skip_connect, none, nor_conv_3x3, skip_connect ##').cells, [[4, 2, 1, 0, 3, 1]]);
  assert.deepEqual(parseCellsReply('[{"op": "avg_pool_3x3"}, {"op": "nor_conv_1x1"}, {"op": "skip"}, {"op": "none"}, {"op": "conv3x3"}, {"op": "skip"}]').cells, [[4, 2, 1, 0, 3, 1]]);
});

test('predictions: markdown tables, with the value column chosen by its header', () => {
  const ids = ['c12', 'c13', 'c14'];
  const table = parsePredictionsReply('| Candidate | Edges | Predicted error |\n|---|---|---|\n| c12 | conv | 0.123 |\n| **C13** | skip | 0.2 |\n| `c14` | none | 25% |', ids);
  assert.deepEqual([...table.values], [['c12', 0.123], ['c13', 0.2], ['c14', 0.25]]);
  assert.ok(table.notes.includes('read predictions from a markdown table'));
  const accuracy = parsePredictionsReply('| id | accuracy (%) |\n|:--|--:|\n| c12 | 91.5 |\n| c13 | 90 |\n| c14 | 88 |', ids);
  assert.deepEqual([...accuracy.values].map(([id, v]) => [id, Number(v.toFixed(6))]), [['c12', 0.085], ['c13', 0.1], ['c14', 0.12]]);
  assert.ok(accuracy.notes.includes('accuracies converted to errors'));
  const both = parsePredictionsReply('| id | accuracy | error |\n|---|---|---|\n| c12 | 0.9 | 0.1 |\n| c13 | 0.8 | 0.2 |', ids);
  assert.deepEqual([...both.values], [['c12', 0.1], ['c13', 0.2]], 'an error column is preferred to an accuracy column');
  const headerless = parsePredictionsReply('| c12 | 0.123 |\n| c13 | 0.2 |', ids);
  assert.deepEqual([...headerless.values], [['c12', 0.123], ['c13', 0.2]]);
});

test('predictions: id lines in every separator, bold ids, bullets, any case and numeric ids', () => {
  const ids = ['c12', 'c13', 'c14', 'c15', 'c16', 'c17'];
  const lines = parsePredictionsReply('Predictions:\n- c12: 0.11\n**c13**: 0.12\nC14 - 0.13\nc15 -> 0.14\nc16 = 0.15\n* **c17:** 0.16', ids);
  assert.deepEqual([...lines.values], [['c12', 0.11], ['c13', 0.12], ['c14', 0.13], ['c15', 0.14], ['c16', 0.15], ['c17', 0.16]]);
  const keys = parsePredictionsReply('{"predictions": [{"id": 12, "error_rate": 0.1}, {"id": "C13", "predicted_error": 0.2}, {"id": "c14", "value": 0.3}, {"id": "c15", "error": 0.4}]}', ids);
  assert.deepEqual([...keys.values], [['c12', 0.1], ['c13', 0.2], ['c14', 0.3], ['c15', 0.4]]);
  const keyed = parsePredictionsReply('{"12": 0.1, "C13": {"predicted_error": 0.2}, "c14": {"error_rate": 0.3}}', ids);
  assert.deepEqual([...keyed.values], [['c12', 0.1], ['c13', 0.2], ['c14', 0.3]]);
});

test('predictions: accuracy is converted only where the reply says so, never from the magnitudes', () => {
  const ids = ['c1', 'c2'];
  const close = (m: Map<string, number>) => [...m].map(([id, v]) => [id, Number(v.toFixed(6))]);
  const high = parsePredictionsReply('c1: 0.91\nc2: 0.89', ids);
  assert.deepEqual(close(high.values), [['c1', 0.91], ['c2', 0.89]], 'high errors stay errors');
  const said = parsePredictionsReply('Here are the predicted accuracies:\nc1: 0.91\nc2: 0.89', ids);
  assert.deepEqual(close(said.values), [['c1', 0.09], ['c2', 0.11]]);
  assert.ok(said.notes.includes('values read as accuracies, as the reply says'));
  const definition = parsePredictionsReply('Recall that error = 1 - accuracy.\nc1: 0.91\nc2: 0.89', ids);
  assert.deepEqual(close(definition.values), [['c1', 0.91], ['c2', 0.89]], 'defining the error is not saying the values are accuracies');
  const suffix = parsePredictionsReply('c1: 91% accuracy\nc2: 0.2', ids);
  assert.deepEqual(close(suffix.values), [['c1', 0.09], ['c2', 0.2]]);
  const keyedMap = parsePredictionsReply('{"accuracies": {"c1": 0.9, "c2": 0.8}}', ids);
  assert.deepEqual(close(keyedMap.values), [['c1', 0.1], ['c2', 0.2]]);
  const namedError = parsePredictionsReply('The predicted accuracy is high, but here are errors: {"predictions": [{"id": "c1", "error": 0.9}]}', ids);
  assert.deepEqual(close(namedError.values), [['c1', 0.9]], 'a value keyed "error" is an error whatever the prose says');
});

test('several answers: a cell quoted after the predictions is not an answer that displaces them', () => {
  const ids = ['c1', 'c2'];
  const parsed = parsePredictionsReply(`{"predictions": [{"id": "c1", "error": 0.2}, {"id": "c2", "error": 0.3}]}\nc1 is ${BEST_NAMES}, a strong cell.`, ids);
  assert.deepEqual([...parsed.values], [['c1', 0.2], ['c2', 0.3]]);
});
