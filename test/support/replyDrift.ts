/**
 * Rewrites a test double's intended answer (cells as op lists, predictions as id -> error) into the
 * forms genuine chat-model replies take, so a study can be run against replies that are NOT shaped like
 * our own parser. One form per request, drawn by a PRNG the caller seeds from the request content, so
 * replies stay the same under any arrival order. Test double only: its output is never a model's.
 *
 * Form frequencies. The corpus in ../shared/llm-replies/ (10 replies: 6 cell replies, 4 prediction
 * replies) shows: cells as the asked JSON object 4/6 (one of them fenced with trailing commas), JSON
 * lines of bare lists 1/6, a numbered prose list 1/6, op aliases in 3/6, a preamble in 3/6; predictions
 * as the asked JSON 2/4, a renamed value key (`predicted_error`) 1/4, an id-keyed object in percent 1/4.
 * The corpus has no reasoning model; think blocks, labelled `## 0->1: op ##` lines, edge-keyed objects,
 * markdown tables and `id: value` lines are the forms issue 9 reports from reasoning and local models.
 * The weights below give the corpus forms about half of the replies and the issue's forms the other
 * half, and a think block to 30% of replies (one in three of them unclosed at the start).
 */
import { EDGES, OPS, type Cell } from '../../src/core/nb201/searchSpace';
import type { SeededRandom } from '../../src/core/random/seededRandom';

export type CellForm =
  | 'json' | 'fencedTrailingCommas' | 'jsonLines' | 'numberedProse' | 'labelledHashLines' | 'edgeKeyedJson' | 'labelledProse';
export type PredictionForm = 'json' | 'renamedKey' | 'percentObject' | 'markdownTable' | 'idLines' | 'recasedIds';
export type ThinkForm = 'none' | 'closed' | 'unclosedStart';

export interface DriftedReply {
  readonly text: string;
  readonly form: CellForm | PredictionForm;
  readonly think: ThinkForm;
  /** Items written into the final answer that a careful reader must refuse (unknown op), as written. */
  readonly unusable: readonly string[];
}

/** Fixes the form instead of drawing it (to test each form on its own). */
export interface ForcedForm<T> {
  readonly form?: T;
  readonly think?: ThinkForm;
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

export const CELL_FORM_WEIGHTS: readonly Weighted<CellForm>[] = [
  { value: 'json', weight: 0.25 },
  { value: 'fencedTrailingCommas', weight: 0.12 },
  { value: 'jsonLines', weight: 0.08 },
  { value: 'numberedProse', weight: 0.08 },
  { value: 'labelledHashLines', weight: 0.17 },
  { value: 'edgeKeyedJson', weight: 0.17 },
  { value: 'labelledProse', weight: 0.13 },
];

export const PREDICTION_FORM_WEIGHTS: readonly Weighted<PredictionForm>[] = [
  { value: 'json', weight: 0.3 },
  { value: 'renamedKey', weight: 0.15 },
  { value: 'percentObject', weight: 0.12 },
  { value: 'markdownTable', weight: 0.15 },
  { value: 'idLines', weight: 0.18 },
  { value: 'recasedIds', weight: 0.1 },
];

const THINK_SHARE = 0.3;
const UNCLOSED_THINK_SHARE = 1 / 3;
/** Per op, in the sloppy forms: how often an alias replaces the canonical name (corpus: a few per reply). */
const ALIAS_SHARE = 0.2;
/** Replies with one extra cell carrying an op outside NB201 (corpus: sep_conv_3x3, max_pool_3x3 in 2 of 6). */
const UNKNOWN_OP_SHARE = 0.1;

const ALIASES: Readonly<Record<string, readonly string[]>> = {
  none: ['none'],
  skip_connect: ['skip', 'identity'],
  nor_conv_1x1: ['conv1x1', 'conv_1x1'],
  nor_conv_3x3: ['conv3x3', 'conv_3x3'],
  avg_pool_3x3: ['avg_pool', 'avg_pool_3x3'],
};
const UNKNOWN_OPS = ['sep_conv_3x3', 'max_pool_3x3', 'dil_conv_3x3'];
const EDGE_LABELS = EDGES.map(([from, to]) => `${from}->${to}`);
/** Edge-keyed JSON objects: one key style per reply. */
const EDGE_KEY_STYLES: readonly ((edge: number) => string)[] = [
  (e) => EDGE_LABELS[e],
  (e) => `op_${EDGES[e][0]}_to_${EDGES[e][1]}`,
  (e) => `e${EDGES[e][0]}${EDGES[e][1]}`,
  (e) => `edge ${e + 1}`,
];

export function weightedPick<T>(items: readonly Weighted<T>[], rng: SeededRandom): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let u = rng.next() * total;
  for (const item of items) {
    u -= item.weight;
    if (u < 0) return item.value;
  }
  return items[items.length - 1].value;
}

/** Op names of a cell, with aliases in the sloppy forms. */
function opNames(cell: Cell, rng: SeededRandom, sloppy: boolean): string[] {
  return cell.map((op) => {
    const name = OPS[op];
    return sloppy && rng.next() < ALIAS_SHARE ? rng.pick(ALIASES[name]) : name;
  });
}

const quotedList = (names: readonly string[]) => `[${names.map((n) => `"${n}"`).join(', ')}]`;

/** `0->1: op` pairs of a cell in a shuffled edge order. */
function shuffledLabelled(names: readonly string[], rng: SeededRandom, separator: string): string {
  return rng.shuffled(names.map((name, e) => `${EDGE_LABELS[e]}${separator}${name}`)).join(', ');
}

function edgeKeyedObject(names: readonly string[], rng: SeededRandom, keyOf: (edge: number) => string): string {
  const entries = rng.shuffled(names.map((name, e) => `"${keyOf(e)}": "${name}"`));
  return `{${entries.join(', ')}}`;
}

/** A cell like `cell` with one op replaced by a name outside NB201, written as a bare list. */
function unknownOpList(cell: Cell, rng: SeededRandom): string {
  const names = cell.map((op) => OPS[op] as string);
  names[rng.int(names.length)] = rng.pick(UNKNOWN_OPS);
  return quotedList(names);
}

function renderCells(form: CellForm, cells: readonly Cell[], rng: SeededRandom, unusable: string[]): string {
  const sloppy = form !== 'json';
  const names = cells.map((cell) => opNames(cell, rng, sloppy));
  const lists = names.map(quotedList);
  const listForm = form === 'json' || form === 'fencedTrailingCommas' || form === 'jsonLines' || form === 'numberedProse';
  if (listForm && cells.length > 0 && rng.next() < UNKNOWN_OP_SHARE) {
    const odd = unknownOpList(rng.pick(cells), rng);
    unusable.push(odd);
    lists.splice(rng.int(lists.length + 1), 0, odd);
  }
  switch (form) {
    case 'json':
      return `{"cells": [${lists.map((l) => `{"edges": ${l}}`).join(', ')}]}`;
    case 'fencedTrailingCommas':
      return `Sure! Here are ${lists.length} promising cells:\n\n\`\`\`json\n{\n  "cells": [\n${lists.map((l) => `    {"edges": ${l}},`).join('\n')}\n  ]\n}\n\`\`\`\n\nThese keep a residual path from the input to the output.`;
    case 'jsonLines':
      return `Looking at the history, I will propose variations of the best cells.\n\n\`\`\`json\n${lists.map((l) => `${l},`).join('\n')}\n\`\`\`\n\nThese ${lists.length} cells should reach the target.`;
    case 'numberedProse':
      return `Here are the proposed cells:\n\n${lists.map((l, i) => `${i + 1}. ${l}${i % 3 === 0 ? ' - keeps the skip connection on 0->3' : ''}`).join('\n')}\n\nThey mostly use 3x3 convolutions.`;
    case 'labelledHashLines':
      return `Proposed cells (edge: operation):\n${names.map((n) => `## ${shuffledLabelled(n, rng, ': ')} ##`).join('\n')}`;
    case 'edgeKeyedJson': {
      const keyOf = rng.pick(EDGE_KEY_STYLES);
      return `\`\`\`json\n{"cells": [\n${names.map((n) => `  ${edgeKeyedObject(n, rng, keyOf)}`).join(',\n')}\n]}\n\`\`\``;
    }
    case 'labelledProse':
      return `I propose these cells:\n${names.map((n, i) => `- Cell ${i + 1}: ${shuffledLabelled(n, rng, ' ')}.`).join('\n')}`;
  }
}

const REJECTIONS = [
  'no, that is too close to what is already listed',
  'hmm, pooling there probably hurts, drop it',
  'that one was probably evaluated already, skip it',
  'rejected: it loses the residual path',
];

/** Reasoning before the answer: drafts, names the rejected cells as op lists, keeps the first real one. */
function cellsThinking(cells: readonly Cell[], rejected: readonly Cell[], rng: SeededRandom): string {
  const lines = ['Okay, the user wants cells for NAS-Bench-201. The best cells keep skip_connect on 0->3 and 3x3 convolutions elsewhere.'];
  rejected.forEach((cell, i) => {
    const written = i % 2 === 0 ? quotedList(cell.map((op) => OPS[op])) : `## ${shuffledLabelled(cell.map((op) => OPS[op]), rng, ': ')} ##`;
    lines.push(`Draft: ${written} - ${REJECTIONS[i % REJECTIONS.length]}.`);
  });
  if (cells.length > 0) lines.push(`Keep ${quotedList(cells[0].map((op) => OPS[op]))}, it looks strong.`);
  lines.push('Now write the final answer.');
  return lines.join('\n');
}

function wrapThinking(think: ThinkForm, reasoning: string, answer: string): string {
  if (think === 'none') return answer;
  if (think === 'unclosedStart') return `${reasoning}\n</think>\n\n${answer}`;
  return `<think>\n${reasoning}\n</think>\n\n${answer}`;
}

function pickThink(rng: SeededRandom): ThinkForm {
  if (rng.next() >= THINK_SHARE) return 'none';
  return rng.next() < UNCLOSED_THINK_SHARE ? 'unclosedStart' : 'closed';
}

/**
 * The final answer proposes exactly `cells` (plus, sometimes, one unusable extra listed in `unusable`);
 * a think block, when drawn, names `rejected` as drafts and must not count as a proposal.
 */
export function driftCells(cells: readonly Cell[], rejected: readonly Cell[], rng: SeededRandom, forced: ForcedForm<CellForm> = {}): DriftedReply {
  const form = forced.form ?? weightedPick(CELL_FORM_WEIGHTS, rng);
  const think = forced.think ?? pickThink(rng);
  const unusable: string[] = [];
  const answer = renderCells(form, cells, rng, unusable);
  return { text: wrapThinking(think, cellsThinking(cells, rejected, rng), answer), form, think, unusable };
}

const fixed4 = (x: number) => x.toFixed(4);
const percent2 = (x: number) => (x * 100).toFixed(2);

function renderPredictions(form: PredictionForm, entries: readonly [string, number][], rng: SeededRandom): string {
  switch (form) {
    case 'json':
      return `{"predictions": [${entries.map(([id, v]) => `{"id": "${id}", "error": ${fixed4(v)}}`).join(', ')}]}`;
    case 'renamedKey': {
      const key = rng.pick(['predicted_error', 'error_rate']);
      return `Here are my predicted errors for the candidate cells.\n\n\`\`\`json\n{\n  "predictions": [\n${entries.map(([id, v]) => `    {"id": "${id}", "${key}": ${fixed4(v)}},`).join('\n')}\n  ]\n}\n\`\`\``;
    }
    case 'percentObject':
      return rng.next() < 0.5
        ? `Here are my predictions (error in %):\n\n\`\`\`json\n{\n${entries.map(([id, v]) => `  "${id}": ${percent2(v)}`).join(',\n')}\n}\n\`\`\``
        : `Predicted errors:\n{${entries.map(([id, v]) => `"${id}": "${percent2(v)}%"`).join(', ')}}`;
    case 'markdownTable': {
      const asPercent = rng.next() < 0.4;
      const header = asPercent ? '| id | predicted error (%) |' : '| Candidate | Predicted error |';
      const rows = entries.map(([id, v]) => `| ${id} | ${asPercent ? `${percent2(v)}%` : fixed4(v)} |`);
      return `Predictions for the candidates:\n\n${header}\n|---|---|\n${rows.join('\n')}\n\nCells with more 3x3 convolutions get lower errors.`;
    }
    case 'idLines': {
      const line = rng.pick<(id: string, v: number) => string>([
        (id, v) => `${id}: ${fixed4(v)}`,
        (id, v) => `**${id}**: ${fixed4(v)}`,
        (id, v) => `${id} - ${fixed4(v)}`,
        (id, v) => `- ${id}: ${fixed4(v)}`,
      ]);
      return `Predicted errors:\n${entries.map(([id, v]) => line(id, v)).join('\n')}`;
    }
    case 'recasedIds': {
      const numeric = rng.next() < 0.5;
      const idOf = (id: string) => (numeric ? id.slice(1) : `"${id.toUpperCase()}"`);
      return `{"predictions": [${entries.map(([id, v]) => `{"id": ${idOf(id)}, "error": ${fixed4(v)}}`).join(', ')}]}`;
    }
  }
}

/** A draft value the think block names and the answer then revises: 0.02-0.06 away from the meant one. */
function draftValue(meant: number, rng: SeededRandom): number {
  const shift = (0.02 + 0.04 * rng.next()) * (rng.next() < 0.5 ? -1 : 1);
  const draft = meant + shift;
  return Number((draft > 0.01 && draft < 0.99 ? draft : meant - shift).toFixed(4));
}

function predictionsThinking(entries: readonly [string, number][], rng: SeededRandom): string {
  const drafts = entries.slice(0, Math.min(5, entries.length)).map(([id, v]) => `${id}: ${fixed4(draftValue(v, rng))}`);
  return `Let me estimate. First guesses:\n${drafts.join('\n')}\nHmm, those look off compared with the history; let me revise them.`;
}

/** The final answer gives exactly `predictions` (values written with 4 decimals or as percent with 2). */
export function driftPredictions(predictions: ReadonlyMap<string, number>, rng: SeededRandom, forced: ForcedForm<PredictionForm> = {}): DriftedReply {
  const form = forced.form ?? weightedPick(PREDICTION_FORM_WEIGHTS, rng);
  const think = forced.think ?? pickThink(rng);
  const entries = [...predictions];
  const answer = renderPredictions(form, entries, rng);
  return { text: wrapThinking(think, predictionsThinking(entries, rng), answer), form, think, unusable: [] };
}
