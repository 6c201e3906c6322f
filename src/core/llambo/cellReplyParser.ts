/**
 * Cells out of a proposal reply (warm start, sampler, repair). Asked format: {"cells": [{"edges": [6 op
 * names]}]}; also read: bare lists, JSON lines, fenced or prose-wrapped JSON, NB201 arch strings, LLAMBO's
 * `## op, op, ... ##`, and cells whose ops carry edge labels (see edgeLabels.ts): objects keyed by edge,
 * lists of {"edge": "1->2", "op": ...} or "1->2: op" entries, labelled `## ... ##` lines and prose runs
 * ("0->1: conv3x3, 1->2: skip, ..."). Labelled ops are placed by their labels, in whatever order they
 * come; unlabelled lists are in the documented edge order. A cell with a missing, repeated or unknown
 * label is refused with that reason, as is one with labels on only some of its ops. Cells outside JSON
 * are read only when the reply holds no JSON cell.
 *
 * Reasoning (`<think>` blocks) is blanked first (reasoningText.ts); of several complete answers the last
 * wins, while JSON-lines items all count (jsonExtraction.ts). Loose op names go through the alias table;
 * anything else is refused with a reason the call event records and the repair turn quotes.
 */
import { parseOpName } from '../nb201/opAliases';
import { NUM_EDGES, type Cell } from '../nb201/searchSpace';
import { EDGE_NAMES, labelledEntry, labelledRuns, opsByLabel, parseEdgeLabel, type LabelledOp } from './edgeLabels';
import { answerJsonValues } from './jsonExtraction';
import { answerOfReply } from './reasoningText';

export interface RejectedItem {
  /** The offending part of the reply (shortened). */
  readonly text: string;
  readonly reason: string;
}

export interface ParsedCells {
  readonly cells: Cell[];
  readonly rejected: RejectedItem[];
  /** Remarks that are not rejections (empty reply, format used, reasoning and drafts ignored). */
  readonly notes: string[];
}

/** One proposed cell as found, before its ops are checked; `text` is how to quote it when refused. */
interface RawCell {
  readonly value: unknown;
  readonly at: number;
  readonly text?: string;
}

const LIST_KEYS = ['cells', 'architectures', 'archs', 'candidates', 'proposals', 'configurations', 'configs', 'results'];
const CELL_KEYS = ['edges', 'ops', 'operations', 'cell', 'arch', 'architecture', 'arch_str', 'config', 'configuration'];
const OP_KEYS = ['op', 'operation'];
const LOOSE_ARCH = /\|([^|~]+)~0\|\+\|([^|~]+)~0\|([^|~]+)~1\|\+\|([^|~]+)~0\|([^|~]+)~1\|([^|~]+)~2\|/g;
const HASH_LINE = /##\s*([^#]+?)\s*##/g;

export function parseCellsReply(text: string): ParsedCells {
  const result: ParsedCells = { cells: [], rejected: [], notes: [] };
  if (!text || !text.trim()) {
    result.notes.push('empty reply');
    return result;
  }
  const answer = answerOfReply(text);
  result.notes.push(...answer.notes);
  if (!answer.text.trim()) {
    result.notes.push('no cells found in the reply');
    return result;
  }
  const json = answerJsonValues(answer.text, isCellCollection);
  if (json.earlierAnswers > 0) result.notes.push(`${json.earlierAnswers} earlier answer${json.earlierAnswers === 1 ? '' : 's'} in the reply ignored; the last one read`);
  const raws: RawCell[] = [];
  json.values.forEach((value, i) => collectCellLike(value, raws, i));
  if (raws.length === 0) {
    raws.push(...cellsInText(answer.text));
    if (raws.length > 0) result.notes.push('read cells from non-JSON text');
  }
  if (raws.length === 0) {
    result.notes.push('no cells found in the reply');
    return result;
  }
  for (const raw of raws) {
    const outcome = toCell(raw.value);
    if ('cell' in outcome) result.cells.push(outcome.cell);
    else result.rejected.push({ text: shorten(raw.text ?? raw.value), reason: outcome.reason });
  }
  return result;
}

/** A value holding a whole answer (several cells), as opposed to one cell. */
function isCellCollection(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0 && !isEdgeEntryList(value) &&
      value.every((item) => Array.isArray(item) || isArchString(item) || (item !== null && typeof item === 'object'));
  }
  return value !== null && typeof value === 'object' && LIST_KEYS.some((k) => Array.isArray((value as Record<string, unknown>)[k]));
}

/** Pushes everything that looks like one proposed cell. */
function collectCellLike(value: unknown, out: RawCell[], at: number): void {
  if (typeof value === 'string') {
    if (isArchString(value)) out.push({ value, at });
    return;
  }
  if (Array.isArray(value)) {
    const opList = value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number') && !value.every(isArchString);
    if (opList || isEdgeEntryList(value)) out.push({ value, at });
    else for (const item of value) collectCellLike(item, out, at);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  const listKey = LIST_KEYS.find((k) => Array.isArray(obj[k]));
  if (listKey) {
    for (const item of obj[listKey] as unknown[]) collectCellLike(item, out, at);
    return;
  }
  if (CELL_KEYS.some((k) => k in obj) || hasEdgeKeys(obj)) out.push({ value: obj, at });
}

function isArchString(v: unknown): boolean {
  return typeof v === 'string' && v.includes('~0|');
}

function hasEdgeKeys(obj: Record<string, unknown>): boolean {
  return Object.keys(obj).some((k) => parseEdgeLabel(k) !== undefined);
}

/** [{"edge": "0->1", "op": ...}, ...] or [{"0->1": ...}, {"0->2": ...}, ...]: one cell, not a list of cells. */
function isEdgeEntryList(value: readonly unknown[]): boolean {
  return value.length > 1 && value.every((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
    const keys = Object.keys(item);
    return OP_KEYS.some((k) => keys.includes(k)) || (keys.length === 1 && parseEdgeLabel(keys[0]) !== undefined);
  });
}

type CellOutcome = { cell: Cell } | { reason: string };

function toCell(raw: unknown): CellOutcome {
  if (typeof raw === 'string') return fromArchString(raw);
  if (Array.isArray(raw)) return fromOpList(raw);
  const obj = raw as Record<string, unknown>;
  const key = CELL_KEYS.find((k) => k in obj);
  if (key) {
    const inner = obj[key];
    if (typeof inner === 'string') return inner.includes('~0|') ? fromArchString(inner) : fromOpList(inner.split(/[,;]/));
    if (Array.isArray(inner)) return fromOpList(inner);
    if (inner && typeof inner === 'object') return fromKeyedEdges(inner as Record<string, unknown>);
    return { reason: `"${key}" is not a list of ${NUM_EDGES} ops` };
  }
  return fromKeyedEdges(obj);
}

/** A list of ops: placed by their labels when every one has a label, else in the documented edge order. */
function fromOpList(items: readonly unknown[]): CellOutcome {
  const entries = items.map(labelledItem);
  const labelled = entries.filter((e): e is LabelledOp => e !== undefined);
  if (labelled.length > 0) {
    if (labelled.length < items.length) return { reason: `edge labels on only ${labelled.length} of ${items.length} ops` };
    const placed = opsByLabel(labelled);
    return 'reason' in placed ? placed : fromOrderedOps(placed.ops);
  }
  return fromOrderedOps(items.map((item) => (item && typeof item === 'object' && 'op' in item ? (item as { op: unknown }).op : item)));
}

/** The edge label and op of one list item, when it has a label: "0->1: op", {"edge": ..., "op": ...}, {"0->1": op}. */
function labelledItem(item: unknown): LabelledOp | undefined {
  if (typeof item === 'string') return labelledEntry(item);
  if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const obj = item as Record<string, unknown>;
  const opKey = OP_KEYS.find((k) => k in obj);
  if (opKey) {
    const label = edgeFieldLabel(obj);
    return label === undefined ? undefined : { label, op: obj[opKey] };
  }
  const keys = Object.keys(obj);
  return keys.length === 1 && parseEdgeLabel(keys[0]) !== undefined ? { label: keys[0], op: obj[keys[0]] } : undefined;
}

/** "edge": "1->2" | 3 (1-based, as the prompts number edges) | {"from": 1, "to": 2}. */
function edgeFieldLabel(obj: Record<string, unknown>): string | undefined {
  const edge = obj.edge ?? obj.label;
  if (typeof edge === 'number') return `edge ${edge}`;
  if (typeof edge === 'string') return /^\s*\d+\s*$/.test(edge) ? `edge ${edge.trim()}` : edge;
  if (obj.from !== undefined && obj.to !== undefined) return `${String(obj.from)}->${String(obj.to)}`;
  return undefined;
}

function fromOrderedOps(ops: readonly unknown[]): CellOutcome {
  if (ops.length !== NUM_EDGES) return { reason: `${ops.length} edges, expected ${NUM_EDGES}` };
  const cell: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const outcome = opOf(ops[e], e);
    if (typeof outcome === 'string') return { reason: outcome };
    cell.push(outcome);
  }
  return { cell };
}

/** {"0->1": op, ...}, {"hp_x0": op, ...}: keys that are not edge labels (an id, a reason) are ignored. */
function fromKeyedEdges(obj: Record<string, unknown>): CellOutcome {
  const entries = Object.entries(obj)
    .filter(([key]) => parseEdgeLabel(key) !== undefined)
    .map(([label, op]) => ({ label, op }));
  if (entries.length === 0) return { reason: 'no edges found in the object' };
  const placed = opsByLabel(entries);
  return 'reason' in placed ? placed : fromOrderedOps(placed.ops);
}

function opOf(value: unknown, edge: number): number | string {
  if (typeof value === 'number') return `op given as a number (${value}) on edge ${EDGE_NAMES[edge]}; expected an op name`;
  if (typeof value !== 'string') return `op on edge ${EDGE_NAMES[edge]} is not a name (${JSON.stringify(value) ?? 'undefined'})`;
  const op = parseOpName(value);
  return op === undefined ? `unknown op ${JSON.stringify(value.trim())} on edge ${EDGE_NAMES[edge]}` : op;
}

function fromArchString(text: string): CellOutcome {
  LOOSE_ARCH.lastIndex = 0;
  const m = LOOSE_ARCH.exec(text);
  if (!m) return { reason: 'malformed arch string' };
  return fromOrderedOps(m.slice(1));
}

/** Cells written outside JSON, in order of appearance: arch strings, `## ... ##` lines, labelled prose runs. */
function cellsInText(text: string): RawCell[] {
  const found: RawCell[] = [...text.matchAll(LOOSE_ARCH)].map((m) => ({ value: m[0], at: m.index ?? 0 }));
  for (const m of text.matchAll(HASH_LINE)) found.push({ value: hashEntries(m[1]), at: m.index ?? 0, text: m[0] });
  const outsideHashes = text.replace(HASH_LINE, (line) => ' '.repeat(line.length));
  for (const run of labelledRuns(outsideHashes)) {
    const entries = run.entries.map(({ label, op }) => ({ edge: label, op: opInWords(String(op)) }));
    found.push({ value: entries, at: run.at, text: run.text });
  }
  return found.sort((a, b) => a.at - b.at);
}

/** Entries of one `## ... ##` line (a comma inside `(0,1)` separates nothing): "0->1: op" keeps its label; "name: op" without a label is just the op. */
function hashEntries(body: string): string[] {
  return body.split(/[,;|](?![^()]*\))/).map((part) => {
    if (labelledEntry(part)) return part.trim();
    const colon = part.lastIndexOf(':');
    return (colon >= 0 ? part.slice(colon + 1) : part).trim();
  });
}

/** The longest leading run of words that names an op ("nor_conv_3x3 again" -> "nor_conv_3x3"), else the words. */
function opInWords(words: string): string {
  const parts = words.trim().split(/\s+/);
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join(' ');
    if (parseOpName(candidate) !== undefined) return candidate;
  }
  return words.trim();
}

function shorten(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
