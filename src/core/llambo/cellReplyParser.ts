/**
 * Cells out of a proposal reply (warm start, sampler, repair). Asked format: {"cells": [{"edges": [6 op
 * names]}]}; also read: bare lists, JSON lines, fenced or prose-wrapped JSON, hp_x0..hp_x5 or "0->1" keyed
 * objects, NB201 arch strings, and LLAMBO's `## op, op, ... ##`. Loose op names go through the alias table;
 * anything else is rejected with a reason the call event records.
 */
import { parseOpName } from '../nb201/opAliases';
import { EDGES, NUM_EDGES, SYNE_TUNE_KEYS, type Cell } from '../nb201/searchSpace';
import { extractJsonValues } from './jsonExtraction';

export interface RejectedItem {
  /** The offending part of the reply (shortened). */
  readonly text: string;
  readonly reason: string;
}

export interface ParsedCells {
  readonly cells: Cell[];
  readonly rejected: RejectedItem[];
  /** Remarks that are not rejections (empty reply, format used). */
  readonly notes: string[];
}

const EDGE_NAMES = EDGES.map(([from, to]) => `${from}->${to}`);
const LIST_KEYS = ['cells', 'architectures', 'archs', 'candidates', 'proposals', 'configurations', 'configs', 'results'];
const CELL_KEYS = ['edges', 'ops', 'operations', 'cell', 'arch', 'architecture', 'arch_str', 'config', 'configuration'];
const LOOSE_ARCH = /\|([^|~]+)~0\|\+\|([^|~]+)~0\|([^|~]+)~1\|\+\|([^|~]+)~0\|([^|~]+)~1\|([^|~]+)~2\|/g;

export function parseCellsReply(text: string): ParsedCells {
  const result: ParsedCells = { cells: [], rejected: [], notes: [] };
  if (!text || !text.trim()) {
    result.notes.push('empty reply');
    return result;
  }
  const raws: unknown[] = [];
  for (const value of extractJsonValues(text)) collectCellLike(value, raws);
  if (raws.length === 0) {
    raws.push(...archStrings(text), ...hashDelimited(text));
    if (raws.length > 0) result.notes.push('read cells from non-JSON text');
  }
  if (raws.length === 0) {
    result.notes.push('no cells found in the reply');
    return result;
  }
  for (const raw of raws) {
    const outcome = toCell(raw);
    if ('cell' in outcome) result.cells.push(outcome.cell);
    else result.rejected.push({ text: shorten(raw), reason: outcome.reason });
  }
  return result;
}

/** Pushes everything that looks like one proposed cell. */
function collectCellLike(value: unknown, out: unknown[]): void {
  if (typeof value === 'string') {
    if (value.includes('~0|')) out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number') && !value.every(isArchString)) {
      out.push(value);
    } else {
      for (const item of value) collectCellLike(item, out);
    }
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  const listKey = LIST_KEYS.find((k) => Array.isArray(obj[k]));
  if (listKey) {
    for (const item of obj[listKey] as unknown[]) collectCellLike(item, out);
    return;
  }
  if (CELL_KEYS.some((k) => k in obj) || hasEdgeKeys(obj)) out.push(obj);
}

function isArchString(v: unknown): boolean {
  return typeof v === 'string' && v.includes('~0|');
}

function hasEdgeKeys(obj: Record<string, unknown>): boolean {
  return SYNE_TUNE_KEYS.some((k) => k in obj) || Object.keys(obj).some((k) => edgeIndexOfKey(k) !== undefined);
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

function fromOpList(items: readonly unknown[]): CellOutcome {
  const ops = items.map((item) => (item && typeof item === 'object' && 'op' in item ? (item as { op: unknown }).op : item));
  if (ops.length !== NUM_EDGES) return { reason: `${ops.length} edges, expected ${NUM_EDGES}` };
  const cell: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const outcome = opOf(ops[e], e);
    if (typeof outcome === 'string') return { reason: outcome };
    cell.push(outcome);
  }
  return { cell };
}

function fromKeyedEdges(obj: Record<string, unknown>): CellOutcome {
  const ops: unknown[] = new Array(NUM_EDGES).fill(undefined);
  for (const [key, value] of Object.entries(obj)) {
    const edge = edgeIndexOfKey(key);
    if (edge !== undefined) ops[edge] = value;
  }
  const missing = ops.map((op, e) => (op === undefined ? EDGE_NAMES[e] : '')).filter(Boolean);
  if (missing.length === NUM_EDGES) return { reason: 'no edges found in the object' };
  if (missing.length > 0) return { reason: `missing edges ${missing.join(', ')}` };
  return fromOpList(ops);
}

/** Edge slot named by a key: hp_x3, x3, "0->3", "0-3", "edge 4", "e4". */
function edgeIndexOfKey(key: string): number | undefined {
  const k = key.trim().toLowerCase();
  let m = /^(?:hp_)?x([0-5])$/.exec(k);
  if (m) return Number(m[1]);
  m = /^(?:edge\s*)?\(?([0-3])\s*(?:->|→|-|to|,)\s*([0-3])\)?$/.exec(k);
  if (m) {
    const idx = EDGE_NAMES.indexOf(`${m[1]}->${m[2]}`);
    return idx >= 0 ? idx : undefined;
  }
  m = /^(?:edge|e)\s*_?([1-6])$/.exec(k);
  return m ? Number(m[1]) - 1 : undefined;
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
  return fromOpList(m.slice(1));
}

function archStrings(text: string): string[] {
  return [...text.matchAll(LOOSE_ARCH)].map((m) => m[0]);
}

/** LLAMBO's `## a, b, c, d, e, f ##`, entries possibly written as `hp_x0: a` or `0->1: a`. */
function hashDelimited(text: string): unknown[] {
  return [...text.matchAll(/##\s*([^#]+?)\s*##/g)].map((m) => m[1].split(/[,;|]/).map((part) => {
    const colon = part.lastIndexOf(':');
    return (colon >= 0 ? part.slice(colon + 1) : part).trim();
  }));
}

function shorten(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
