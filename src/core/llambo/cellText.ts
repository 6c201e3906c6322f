/**
 * How cells, learning curves and candidates are written in prompts: one compact JSON object per line,
 * ops named canonically in edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3.
 */
import { OPS, type Cell } from '../nb201/searchSpace';

/** `["nor_conv_3x3", "skip_connect", ...]` */
export function cellOpsJson(cell: Cell): string {
  return `[${cell.map((op) => `"${OPS[op]}"`).join(', ')}]`;
}

/** "cell" or "cells", for "Propose {{count}} {{cellWord}}". */
export function cellWord(count: number): string {
  return count === 1 ? 'cell' : 'cells';
}

/** Errors are shown with 4 decimals: finer digits are seed noise. */
export function formatError(error: number): string {
  return Number.isFinite(error) ? error.toFixed(4) : 'null';
}

/** `{"edges": [...], "errors": {"1": 0.5321, "3": 0.4410}}`; a failed cell gets `"failed": true`. */
export function historyLine(cell: Cell, points: readonly (readonly [number, number])[], failed: boolean): string {
  const errors = points.map(([epoch, error]) => `"${epoch}": ${formatError(error)}`).join(', ');
  return `{"edges": ${cellOpsJson(cell)}, "errors": {${errors}}${failed ? ', "failed": true' : ''}}`;
}

/** `{"edges": [...], "top": 1}` for the generative surrogate. */
export function labelledLine(cell: Cell, top: boolean): string {
  return `{"edges": ${cellOpsJson(cell)}, "top": ${top ? 1 : 0}}`;
}

/** Short op names for compact history lines (each is also an alias the reply parser accepts). */
export const COMPACT_OP_NAMES: readonly string[] = ['none', 'skip', 'conv1x1', 'conv3x3', 'pool'];

/**
 * `conv3x3 skip none conv1x1 pool conv3x3 | 1: 0.5321, 3: 0.4410` (a failed cell ends in `| failed`):
 * about a third of the characters of `historyLine`, so a prompt can list every evaluated cell.
 */
export function compactHistoryLine(cell: Cell, points: readonly (readonly [number, number])[], failed: boolean): string {
  const errors = points.map(([epoch, error]) => `${epoch}: ${formatError(error)}`).join(', ');
  return `${cell.map((op) => COMPACT_OP_NAMES[op]).join(' ')} |${errors ? ` ${errors}` : ''}${failed ? ' | failed' : ''}`;
}

/** `{"id": "c7", "edges": [...]}` */
export function candidateLine(id: string, cell: Cell): string {
  return `{"id": "${id}", "edges": ${cellOpsJson(cell)}}`;
}
