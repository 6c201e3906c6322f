/**
 * The NAS-Bench-201 cell space: 6 edges of a 4-node DAG, each carrying one of 5 ops.
 * Edge order everywhere (arch string, Syne Tune hp_x0..hp_x5, prompts): 0->1, 0->2, 1->2, 0->3, 1->3, 2->3.
 */

/** Canonical op names, in the order the bundled table indexes them. */
export const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type OpName = (typeof OPS)[number];
export const NUM_OPS = OPS.length;

/** Edges as [from, to] node pairs, in slot order. */
export const EDGES: readonly (readonly [number, number])[] = [
  [0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3],
];
export const NUM_EDGES = EDGES.length;
export const NUM_CELLS = NUM_OPS ** NUM_EDGES; // 15,625

/** A cell: one op index (into OPS) per edge slot. */
export type Cell = readonly number[];

/** Dense integer code of a cell: sum ops[i] * 5^i. Used as a cheap map key (not the NB201 index). */
export function cellCode(cell: ArrayLike<number>): number {
  return cellCodeAt(cell, 0);
}

/**
 * The code of the cell whose ops start at `offset` in `ops` (a row of a table's flat arch_ops, read in
 * place). Its own function, not an optional parameter of cellCode, so `cells.map(cellCode)` stays right.
 */
export function cellCodeAt(ops: ArrayLike<number>, offset: number): number {
  let code = 0;
  for (let i = NUM_EDGES - 1; i >= 0; i--) code = code * NUM_OPS + ops[offset + i];
  return code;
}

export function cellFromCode(code: number): Cell {
  if (!Number.isInteger(code) || code < 0 || code >= NUM_CELLS) throw new RangeError(`cell code out of range: ${code}`);
  const ops: number[] = [];
  for (let i = 0; i < NUM_EDGES; i++) {
    const op = code % NUM_OPS;
    ops.push(op);
    // An exact quotient: no fractional intermediate, which the interpreter would box before flooring.
    code = (code - op) / NUM_OPS;
  }
  return ops;
}

export function isValidCell(cell: unknown): cell is Cell {
  return validCellCode(cell) >= 0;
}

/** `|op01~0|+|op02~0|op12~1|+|op03~0|op13~1|op23~2|` */
export function toArchString(cell: Cell): string {
  const code = validCellCode(cell);
  if (code < 0) return namedOpByOp(cell);
  const p = EDGE_OP_NAMES;
  return (ARCH_STRINGS[code] ??= `|${p[0][cell[0]]}|+|${p[1][cell[1]]}|${p[2][cell[2]]}|+|${p[3][cell[3]]}|${p[4][cell[4]]}|${p[5][cell[5]]}|`);
}

/** cellCode of a valid cell, else -1 (a loop, not every() with a closure: it runs for every trial). */
function validCellCode(cell: unknown): number {
  if (!Array.isArray(cell) || cell.length !== NUM_EDGES) return -1;
  let code = 0;
  for (let i = NUM_EDGES - 1; i >= 0; i--) {
    const op: unknown = cell[i];
    if (!(Number.isInteger(op) && (op as number) >= 0 && (op as number) < NUM_OPS)) return -1;
    code = code * NUM_OPS + (op as number);
  }
  return code;
}

/**
 * Arch strings made so far, by cell code: a study names every trial's cell, and a process running many
 * studies (a comparison) names the same cells again; each string is built once. Cells that are not
 * valid are never stored.
 */
const ARCH_STRINGS: (string | undefined)[] = new Array<string | undefined>(NUM_CELLS);

/** `op~from` for every edge (first index) and op (second), as arch strings name them. */
const EDGE_OP_NAMES: readonly (readonly string[])[] = EDGES.map(([from]) => OPS.map((op) => `${op}~${from}`));

/** The arch string of something that is not a valid cell, named op by op (an unknown op reads "undefined"). */
function namedOpByOp(cell: Cell): string {
  const n = (i: number) => `${OPS[cell[i]]}~${EDGES[i][0]}`;
  return `|${n(0)}|+|${n(1)}|${n(2)}|+|${n(3)}|${n(4)}|${n(5)}|`;
}

const ARCH_STRING = /^\|(\w+)~0\|\+\|(\w+)~0\|(\w+)~1\|\+\|(\w+)~0\|(\w+)~1\|(\w+)~2\|$/;

export function parseArchString(text: string): Cell {
  const m = ARCH_STRING.exec(text.trim());
  if (!m) throw new Error(`not an NB201 arch string: ${JSON.stringify(text)}`);
  return m.slice(1).map((name) => {
    const op = OPS.indexOf(name as OpName);
    if (op < 0) throw new Error(`unknown op ${JSON.stringify(name)} in arch string ${JSON.stringify(text)}`);
    return op;
  });
}

/** Syne Tune's config keys for the 6 edges. */
export const SYNE_TUNE_KEYS = ['hp_x0', 'hp_x1', 'hp_x2', 'hp_x3', 'hp_x4', 'hp_x5'] as const;

export function toSyneTuneConfig(cell: Cell): Record<string, OpName> {
  const config: Record<string, OpName> = {};
  SYNE_TUNE_KEYS.forEach((key, i) => (config[key] = OPS[cell[i]]));
  return config;
}
