/**
 * A test double that proposes cells the way a real chat model tends to: from a narrow prior over a few
 * well-known strong NB201 cells (all-conv3x3, the ResNet-like cell, skip+conv3x3 mixes), re-proposed
 * with high probability and varied a little, whether or not they were evaluated already. It honours
 * instructions only partly: a fixed op on an edge or an anchor cell named by the prompt is followed for
 * most cells, a "do not propose" list only for some. Replies are the asked JSON. Predictions come from a
 * crude belief (more conv3x3 = better) plus noise, not from any table. Not a model: never report its
 * output as one.
 */
import { OPS, cellCode, type Cell } from '../../src/core/nb201/searchSpace';
import { parseOpName } from '../../src/core/nb201/opAliases';
import { SeededRandom } from '../../src/core/random/seededRandom';
import type { LlamboRequestView, Replier } from './llmResponders';

const [NONE, SKIP, CONV1, CONV3] = [0, 1, 2, 3];

/** Favourite cells, most favoured first (edge order 0->1, 0->2, 1->2, 0->3, 1->3, 2->3). */
export const FAVOURITE_CELLS: readonly Cell[] = [
  [CONV3, CONV3, CONV3, CONV3, CONV3, CONV3],
  [CONV3, CONV3, CONV3, SKIP, CONV3, CONV3],
  [CONV3, NONE, CONV3, SKIP, NONE, SKIP],
  [CONV3, CONV3, CONV3, SKIP, CONV3, SKIP],
  [CONV3, SKIP, CONV3, SKIP, CONV3, CONV3],
  [CONV3, CONV3, SKIP, SKIP, CONV3, CONV3],
  [SKIP, CONV3, CONV3, SKIP, CONV3, CONV3],
  [CONV3, CONV3, CONV1, SKIP, CONV3, CONV3],
];

export interface NarrowPriorSettings {
  /** Share of cells taken unchanged from the favourites (the rest vary one or two edges). */
  readonly favouriteShare: number;
  /** Probability that a cell follows a fixed edge or anchor named by the prompt. */
  readonly followFocus: number;
  /** Probability that a cell the conversation lists (history, pending, exclusions) is avoided. */
  readonly avoidListed: number;
}

export const DEFAULT_NARROW_PRIOR: NarrowPriorSettings = { favouriteShare: 0.55, followFocus: 0.75, avoidListed: 0.5 };

const EDGE_LABELS = ['0->1', '0->2', '1->2', '0->3', '1->3', '2->3'];

/** Fixed ops the prompt asks for, read from lines like "0->3 = skip_connect". */
function fixedEdges(prompt: string): Map<number, number> {
  const fixed = new Map<number, number>();
  for (const m of prompt.matchAll(/\b([0-3]->[0-3])\s*=\s*([a-z_0-9]+)/gi)) {
    const edge = EDGE_LABELS.indexOf(m[1]);
    const op = parseOpName(m[2]);
    if (edge >= 0 && op !== undefined) fixed.set(edge, op);
  }
  return fixed;
}

/** An anchor cell the prompt asks to vary ("near this cell: [...]"), if any. */
function anchorCell(prompt: string): Cell | undefined {
  const m = /(?:anchor|near this cell|vary this cell)[^[]*\[([^\]]*)\]/i.exec(prompt);
  if (!m) return undefined;
  const ops = [...m[1].matchAll(/"([^"]*)"/g)].map((x) => parseOpName(x[1]));
  return ops.length === 6 && ops.every((o) => o !== undefined) ? (ops as number[]) : undefined;
}

function drawFavourite(rng: SeededRandom): Cell {
  const u = rng.next();
  return FAVOURITE_CELLS[Math.floor(FAVOURITE_CELLS.length * u * u)].slice();
}

/** Changes `edges` random edges to conv3x3, conv1x1 or skip (the ops such a model likes). */
function vary(cell: Cell, edges: number, rng: SeededRandom): Cell {
  const out = cell.slice();
  const liked = [SKIP, CONV1, CONV3, CONV3];
  for (let i = 0; i < edges; i++) out[rng.int(6)] = liked[rng.int(liked.length)];
  return out;
}

function proposeOne(rng: SeededRandom, settings: NarrowPriorSettings, fixed: Map<number, number>, anchor: Cell | undefined): Cell {
  const follows = rng.next() < settings.followFocus;
  let cell = follows && anchor ? vary(anchor, 1 + rng.int(2), rng) : drawFavourite(rng);
  if (!(follows && anchor) && rng.next() >= settings.favouriteShare) cell = vary(cell, 1 + rng.int(2), rng);
  if (!follows) return cell;
  const out = cell.slice();
  for (const [edge, op] of fixed) out[edge] = op;
  return out;
}

function proposeCells(view: LlamboRequestView, prompt: string, settings: NarrowPriorSettings): Cell[] {
  const rng = new SeededRandom(view.hash);
  const fixed = fixedEdges(prompt);
  const anchor = anchorCell(prompt);
  const inReply = new Set<number>();
  const out: Cell[] = [];
  for (let tries = 0; out.length < view.count && tries < 30 * view.count; tries++) {
    const cell = proposeOne(rng, settings, fixed, anchor);
    const code = cellCode(cell);
    // Models rarely repeat a cell inside one answer, but often re-propose ones they were shown.
    if (inReply.has(code)) continue;
    if (view.mentioned.has(code) && rng.next() < settings.avoidListed) continue;
    inReply.add(code);
    out.push(cell);
  }
  return out;
}

/** Belief of such a model: conv3x3 edges help, none and pools hurt. */
function believedError(cell: Cell, rng: SeededRandom): number {
  const conv3 = cell.filter((op) => op === CONV3).length;
  const weak = cell.filter((op) => op === NONE || op === 4).length;
  return Math.min(0.9, 0.06 + 0.012 * (6 - conv3) + 0.01 * weak + 0.01 * rng.next());
}

const opsJson = (cell: Cell) => `[${cell.map((op) => `"${OPS[op]}"`).join(', ')}]`;

export function narrowPriorReplier(settings: NarrowPriorSettings = DEFAULT_NARROW_PRIOR): Replier {
  return (view, request) => {
    const rng = new SeededRandom(`${view.hash}/answer`);
    if (view.kind === 'predictions') {
      return `{"predictions": [${view.candidates.map((c) => `{"id": "${c.id}", "error": ${believedError(c.cell, rng).toFixed(4)}}`).join(', ')}]}`;
    }
    if (view.kind === 'labels') {
      return `{"labels": [${view.candidates.map((c) => `{"id": "${c.id}", "top": ${believedError(c.cell, rng) < 0.08 ? 1 : 0}}`).join(', ')}]}`;
    }
    const prompt = request.messages[request.messages.length - 1]?.content ?? '';
    return `{"cells": [${proposeCells(view, prompt, settings).map((c) => `{"edges": ${opsJson(c)}}`).join(', ')}]}`;
  };
}
