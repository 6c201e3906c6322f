/**
 * Edge labels in replies, and ops placed on edges by their labels rather than by position, so a reply
 * that lists edges in another order still yields the cell it proposed.
 *
 * A label is one of: `0->1`, `0→1`, `0-1`, `0 to 1`, `(0,1)`, `op_0_to_1`, `e01`, `edge 0->1`, `edge 1` / `e1`
 * (1-based, in the documented edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3, as the prompts number them),
 * `hp_x0` / `x0` (0-based Syne Tune keys). Something shaped like a label that names no edge of the cell
 * (`2->1`, `edge 7`, `x6`) is an unknown label, which refuses the cell rather than being skipped.
 */
import { EDGES, NUM_EDGES } from '../nb201/searchSpace';

export const EDGE_NAMES: readonly string[] = EDGES.map(([from, to]) => `${from}->${to}`);

export type EdgeLabel = { readonly edge: number } | { readonly unknown: string };

/** `0->1`, `0 to 1`, `(0,1)`: a bare comma only inside parentheses, so prose like "1, 2: x" is no label. */
const PAIR = String.raw`\(?\s*(\d)\s*(?:->|\u2192|-|\u2013|to|(?<=\(\s*\d\s*),)\s*(\d)\s*\)?`;
/** Label forms (source text, no anchors), each alternative with its own capture groups. */
const LABEL_SOURCE = String.raw`(?:(?:hp_)?x(\d+)|op_(\d)_to_(\d)|e_?(\d)(\d)(?!\d)|edge[\s_]*${PAIR}|(?:edge[\s_]*|e_?)(\d+)|${PAIR})`;
const ANCHORED_LABEL = new RegExp(String.raw`^\s*${LABEL_SOURCE}\s*$`, 'i');

/** The edge a label names; undefined when the text is not a label at all. */
export function parseEdgeLabel(text: string): EdgeLabel | undefined {
  const m = ANCHORED_LABEL.exec(text);
  return m ? labelOfMatch(m, 1, text.trim()) : undefined;
}

/** Reads the groups of one LABEL_SOURCE match starting at group `g`. */
function labelOfMatch(m: RegExpExecArray, g: number, raw: string): EdgeLabel {
  const [x, opFrom, opTo, eFrom, eTo, edgeFrom, edgeTo, edgeNumber, from, to] = m.slice(g, g + 10);
  if (x !== undefined) return Number(x) < NUM_EDGES ? { edge: Number(x) } : { unknown: raw };
  if (edgeNumber !== undefined) {
    const n = Number(edgeNumber);
    return n >= 1 && n <= NUM_EDGES ? { edge: n - 1 } : { unknown: raw };
  }
  const pair = [opFrom ?? eFrom ?? edgeFrom ?? from, opTo ?? eTo ?? edgeTo ?? to];
  const edge = EDGE_NAMES.indexOf(`${pair[0]}->${pair[1]}`);
  return edge >= 0 ? { edge } : { unknown: `${pair[0]}->${pair[1]}` };
}

export interface LabelledOp {
  readonly label: string;
  readonly op: unknown;
}

/** Ops in edge order from labelled entries, or why they do not make one cell. */
export function opsByLabel(entries: readonly LabelledOp[]): { ops: unknown[] } | { reason: string } {
  const ops: unknown[] = new Array(NUM_EDGES).fill(undefined);
  const given = new Array<boolean>(NUM_EDGES).fill(false);
  for (const { label, op } of entries) {
    const parsed = parseEdgeLabel(label);
    if (!parsed) return { reason: `not an edge label: ${JSON.stringify(label)}` };
    if ('unknown' in parsed) return { reason: `unknown edge label ${parsed.unknown}` };
    if (given[parsed.edge]) return { reason: `edge ${EDGE_NAMES[parsed.edge]} given twice` };
    given[parsed.edge] = true;
    ops[parsed.edge] = op;
  }
  const missing = EDGE_NAMES.filter((_, e) => !given[e]);
  if (missing.length > 0) return { reason: `missing edge${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` };
  return { ops };
}

/** `0->1: nor_conv_3x3` / `edge 1 = skip` as one entry; undefined when the text has no leading label. */
export function labelledEntry(text: string): LabelledOp | undefined {
  const m = ENTRY_AT_START.exec(text);
  if (!m) return undefined;
  return { label: m[1], op: m[m.length - 1].trim() };
}

const ENTRY_AT_START = new RegExp(String.raw`^\s*(${LABEL_SOURCE})\s*[:=]\s*(.*)$`, 'is');

/**
 * Runs of `label: op` entries in prose ("0->1: conv3x3, 1->2: skip, ..."), one run per cell: entries
 * separated only by commas, semicolons, bars, bullets, "and", a parenthetical aside or white space belong
 * together; any other
 * text, or a line break once a run has six entries, starts a new run. Runs of fewer than four entries are
 * remarks about edges, not cells. An op is up to three words; the caller resolves its name.
 */
export function labelledRuns(text: string): { entries: LabelledOp[]; at: number; text: string }[] {
  const runs: { entries: LabelledOp[]; start: number; end: number }[] = [];
  let current: { entries: LabelledOp[]; start: number; end: number } | undefined;
  for (const m of text.matchAll(PROSE_ENTRY)) {
    const at = m.index ?? 0;
    const gap = current ? text.slice(current.end, at) : '';
    const joins = current !== undefined && RUN_GAP.test(gap) && !(current.entries.length >= NUM_EDGES && gap.includes('\n'));
    if (!joins) {
      current = { entries: [], start: at, end: at };
      runs.push(current);
    }
    const run = current as { entries: LabelledOp[]; start: number; end: number };
    run.entries.push({ label: m[1], op: m[m.length - 1] });
    run.end = at + m[0].length;
  }
  return runs
    .filter((run) => run.entries.length >= 4)
    .map((run) => ({ entries: run.entries, at: run.start, text: text.slice(run.start, run.end) }));
}

const OP_WORDS = String.raw`[\w\u00d7-]+(?:[ \t]+(?!and\b)[\w\u00d7-]+){0,2}`;
const PROSE_ENTRY = new RegExp(String.raw`(?<![\w.>-])(${LABEL_SOURCE})\s*[:=]\s*\**(${OP_WORDS})`, 'gi');
const RUN_GAP = /^(?:[\s,;|*\u2022.`'"-]|\([^()\n]*\)|\band\b)*$/i;
