/**
 * Genuine model replies to the shipped prompts (`../shared/llm-replies/`, see its README): for each reply,
 * what a careful reader takes from it is written here by hand, from reading the reply, and the parsers
 * must get exactly that: no cell or prediction more, none less, refusals with the right reason.
 *
 * Cells are written as their six ops in edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3, abbreviated
 * N none, S skip_connect, C1 nor_conv_1x1, C3 nor_conv_3x3, P avg_pool_3x3; the reply's aliases
 * (skip, identity, conv3x3, conv_3x3, avg_pool, ...) are resolved as a reader would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCellsReply } from '../../src/core/llambo/cellReplyParser';
import { parsePredictionsReply } from '../../src/core/llambo/predictionReplyParser';

const CORPUS = resolve(__dirname, '..', '..', '..', 'shared', 'llm-replies');
const OP_OF: Record<string, number> = { N: 0, S: 1, C1: 2, C3: 3, P: 4 };

function corpusFile(name: string): string {
  const path = resolve(CORPUS, name);
  assert.ok(existsSync(path), `reply corpus file missing: ${path}. The corpus lives in ../shared/llm-replies next to the repository (CI provides it); check it out there.`);
  return readFileSync(path, 'utf8');
}

/** 'C3 C3 C3 S C3 C3' -> [3, 3, 3, 1, 3, 3] */
function cell(ops: string): number[] {
  return ops.split(' ').map((op) => {
    assert.ok(op in OP_OF, `bad op abbreviation ${op} in the test`);
    return OP_OF[op];
  });
}

/** The candidate ids a surrogate prompt asked for: its `{"id": "c..", "edges": [...]}` lines. */
function askedIds(prompt: string): string[] {
  const messages = JSON.parse(corpusFile(`${prompt}.prompt.json`)) as { role: string; content: string }[];
  return [...messages[messages.length - 1].content.matchAll(/^\{"id": "(c\d+)", "edges"/gm)].map((m) => m[1]);
}

function idRange(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `c${from + i}`);
}

function assertCells(reply: string, expected: string[], refused: RegExp[] = []): void {
  const parsed = parseCellsReply(corpusFile(reply));
  assert.deepEqual(parsed.cells, expected.map(cell), `${reply}: cells`);
  assert.equal(parsed.rejected.length, refused.length, `${reply}: refusals ${JSON.stringify(parsed.rejected)}`);
  refused.forEach((reason, i) => assert.match(parsed.rejected[i].reason, reason, `${reply}: refusal ${i + 1}`));
}

function assertPredictions(reply: string, ids: readonly string[], expected: readonly number[]): void {
  const parsed = parsePredictionsReply(corpusFile(reply), ids);
  assert.deepEqual([...parsed.values.keys()], ids.slice(0, expected.length), `${reply}: ids read`);
  expected.forEach((value, i) => assert.ok(Math.abs((parsed.values.get(ids[i]) as number) - value) < 1e-12, `${reply}: ${ids[i]} = ${parsed.values.get(ids[i])}, expected ${value}`));
  assert.deepEqual(parsed.rejected, [], `${reply}: nothing refused`);
}

const WARMSTART = ['C3 C3 C3 S C3 C3', 'C3 C1 C3 S C1 C3', 'C3 N C3 S N S', 'C1 C3 C3 S C3 C1', 'C3 S C3 C3 S C3',
  'C3 C3 P S C3 C3', 'S C3 C3 C1 C3 C3', 'C3 C3 C1 C3 S C1'];

test('corpus warmstart: the genuine reply gives its 8 cells in order', () => {
  assertCells('warmstart.genuine.txt', WARMSTART);
});

test('corpus warmstart: the sloppy reply gives 6 cells; sep_conv_3x3 and a 5-edge cell are refused', () => {
  // Cell 2 in aliases (conv3x3, conv1x1, skip), cell 4 with "identity" on 0->3, a trailing comma.
  assertCells('warmstart.sloppy.txt', ['C3 C3 C3 S C3 C3', 'C3 C1 C3 S C3 C1', 'C3 N C3 S N S', 'C1 C3 C3 S C3 C3',
    'P C3 C1 S C3 C3', 'C3 C3 S C3 C3 S'], [/unknown op "sep_conv_3x3" on edge 0->1/, /5 edges, expected 6/]);
});

test('corpus sampler_early: the genuine reply gives its 20 cells in order', () => {
  assertCells('sampler_early.genuine.txt', ['C3 C3 C3 S C3 C3', 'S C3 C3 S C3 C3', 'C3 S C3 S C3 C3', 'C3 C3 S S C3 C3',
    'S N C3 S C3 C1', 'S C1 C3 S C3 C3', 'C1 C3 C3 S C3 C3', 'C3 C3 C3 S C1 C3', 'C3 C3 C1 S C3 C3', 'C3 N C3 S C3 C3',
    'S C3 C1 S C3 C3', 'C3 C3 C3 S S C3', 'C1 C1 C3 S C3 C3', 'S S C3 S C3 C3', 'C3 C3 C3 S C3 C1', 'C3 C1 C3 S C3 C3',
    'S C3 C3 S C1 C3', 'C3 N C3 S N S', 'C3 C3 C3 C1 C3 C3', 'C1 C3 C3 S C1 C3']);
});

test('corpus sampler_early: the sloppy numbered list gives its 16 cells; the prose names edges, not cells', () => {
  // Item 1 is the evaluated best cell "kept as a reference": the reply proposes it, the registry refuses it
  // later as evaluated. Items 4 (conv_3x3), 5 (skip), 8 (avg_pool) use aliases.
  assertCells('sampler_early.sloppy.txt', ['S N C3 S C3 C3', 'S C3 C3 S C3 C3', 'C3 C3 C3 S C3 C3', 'S S C3 S C3 C3',
    'S N C3 S C3 C1', 'C3 S C3 S C3 C3', 'S C1 C3 S C3 C3', 'S N C3 S P C3', 'C3 N C3 S N S', 'S C3 C1 S C3 C3',
    'C1 C3 C3 S C3 C3', 'S N C3 S C3 S', 'S C3 C3 S C1 C3', 'C3 C3 S S C3 C3', 'S P C3 S C3 C3', 'C3 C3 C3 S S C3']);
});

test('corpus sampler_late: the genuine reply gives its 18 cells in order', () => {
  assertCells('sampler_late.genuine.txt', ['C3 C3 C3 S C3 C3', 'C1 C3 C3 S C3 C3', 'C3 C1 C3 S C3 C3', 'C3 C3 C1 S C3 C3',
    'C3 C3 C3 S C1 C3', 'C3 C3 C3 S C3 C1', 'C3 C3 C3 S C1 C1', 'C1 C3 C3 S C3 C1', 'C3 C1 C3 S C3 C1', 'C3 C3 C3 S N C3',
    'C1 C3 C3 S N C3', 'C3 N C3 S C3 C3', 'C3 N C3 S N C3', 'C3 C3 S S C3 C3', 'C3 S C3 S C3 C3', 'C3 S C3 S C1 C3',
    'C3 C3 P S C3 C1', 'C1 C3 C3 S P C3']);
});

test('corpus sampler_late: the sloppy fenced list gives 13 cells; max_pool_3x3 is refused; the quoted best cell is not added', () => {
  // The preamble quotes the evaluated best cell; the fenced list (comma-separated arrays, trailing comma)
  // is the proposal, and repeats that cell as its first item: it is read once, from the list.
  assertCells('sampler_late.sloppy.txt', ['C1 C3 C3 S N C1', 'C3 C3 C3 S C3 C3', 'C1 C3 C3 S C3 C3', 'C3 C3 C3 S C3 C1',
    'C3 C3 P S C3 C3', 'C3 C1 C3 S C3 C3', 'C3 N C3 S C3 C3', 'C1 C3 C3 S C1 C3', 'C3 C3 C3 S N C1', 'C1 C3 C3 C3 C3 S',
    'C3 C3 S S C3 C3', 'C3 S C3 S C3 C3', 'C1 C3 C3 S C3 C1'], [/unknown op "max_pool_3x3" on edge 2->3/]);
});

const EARLY_GENUINE = [0.59, 0.545, 0.63, 0.61, 0.615, 0.56, 0.57, 0.63, 0.62, 0.58,
  0.62, 0.565, 0.55, 0.53, 0.6, 0.555, 0.585, 0.56, 0.53, 0.6,
  0.64, 0.63, 0.56, 0.64, 0.6, 0.61, 0.54, 0.6, 0.55, 0.61,
  0.6, 0.56, 0.6, 0.59, 0.61, 0.6, 0.63, 0.53, 0.65]; // c161..c199
const LATE_PERCENT = [18.5, 21.5, 20, 20, 19, 19.5, 20, 21.5, 20, 21.5, 17.5, 21, 20, 22.5, 20.5, 21, 18.5, 20, 23.5, 19.5, 21.5, 21.5]; // c24..c45

test('corpus surrogate prompts ask for c161..c199 and c24..c45', () => {
  assert.deepEqual(askedIds('surrogate_early'), idRange(161, 199));
  assert.deepEqual(askedIds('surrogate_late'), idRange(24, 45));
});

test('corpus surrogate_early: the genuine reply predicts all 39 candidates', () => {
  assertPredictions('surrogate_early.genuine.txt', askedIds('surrogate_early'), EARLY_GENUINE);
});

test('corpus surrogate_early: the sloppy reply predicts c161..c185; "c186 to c199 around 0.58-0.62" is no prediction', () => {
  const ids = askedIds('surrogate_early');
  assertPredictions('surrogate_early.sloppy.txt', ids, [0.59, 0.55, 0.63, 0.61, 0.62, 0.56, 0.57, 0.63, 0.62, 0.58,
    0.62, 0.57, 0.55, 0.53, 0.6, 0.56, 0.59, 0.56, 0.53, 0.6, 0.64, 0.63, 0.56, 0.64, 0.6]);
  assert.ok(parsePredictionsReply(corpusFile('surrogate_early.sloppy.txt'), ids).notes.includes('missing predictions for 14 of 39 candidates'));
});

test('corpus surrogate_late: genuine fractions and sloppy id-keyed percentages give the same 22 errors', () => {
  const ids = askedIds('surrogate_late');
  assertPredictions('surrogate_late.genuine.txt', ids, LATE_PERCENT.map((p) => p / 100));
  assertPredictions('surrogate_late.sloppy.txt', ids, LATE_PERCENT.map((p) => p / 100));
  assert.ok(parsePredictionsReply(corpusFile('surrogate_late.sloppy.txt'), ids).notes.includes('values read as percentages'));
});
