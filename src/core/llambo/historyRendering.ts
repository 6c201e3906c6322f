/**
 * The history block of a prompt, bounded by a token budget (promptBudget.ts: the model's tokenizer or a
 * conservative estimate, against the context window). The sampler lists every evaluated cell compactly when they fit, else the best cells and the
 * evaluated cells closest to them (those an LLM is most likely to re-propose), saying how many are
 * hidden. The surrogates get the best cells, the most recent, then a spread over the rest by rank (a
 * spread of errors calibrates predictions). Each prompt variant shows the chosen lines in its own
 * seeded order (LLAMBO's permutation trick).
 */
import type { SeededRandom } from '../random/seededRandom';
import { errorAt, rankRecords, type CellRecord } from './cellHistory';
import { hammingDistance } from '../nb201/cellMutation';
import type { Cell } from '../nb201/searchSpace';
import { cellOpsJson, compactHistoryLine, historyLine, labelledLine } from './cellText';
import type { TokenBudget } from './promptBudget';

export interface HistoryBlock {
  readonly text: string;
  readonly shownCount: number;
  readonly totalCount: number;
}

/** Shares of the budget for the best cells and for the most recent ones; the rest is spread. */
const BEST_SHARE = 0.4;
const RECENT_SHARE = 0.3;

/** Top cells the sampler's history always shows (when it cannot show all): the anchors of "closest". */
const TOP_SHARE = 0.25;

/** Epochs shown for each cell: rung levels, H and the cell's latest epoch. */
export function curvePoints(record: CellRecord, shownEpochs: ReadonlySet<number>): [number, number][] {
  const points: [number, number][] = [];
  for (const [epoch, [sum, n]] of record.curve) {
    if (shownEpochs.has(epoch) || epoch === record.lastEpoch) points.push([epoch, sum / n]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

function shownEpochs(level: number | undefined, rungLevels: readonly number[]): Set<number> {
  const shown = new Set(rungLevels);
  if (level !== undefined) shown.add(level);
  return shown;
}

/** Learning-curve history for the discriminative surrogate: best, most recent, then a spread by rank. */
export function renderCurveHistory(
  records: readonly CellRecord[], level: number | undefined, rungLevels: readonly number[],
  budget: TokenBudget, rng: SeededRandom | undefined,
): HistoryBlock {
  return renderHistory(records, level, rungLevels, budget, rng, historyLine, selectWithinBudget);
}

/** Compact learning-curve history for the candidate sampler: every cell when they fit, else the best and their neighbours. */
export function renderSamplerHistory(
  records: readonly CellRecord[], level: number | undefined, rungLevels: readonly number[],
  budget: TokenBudget, rng: SeededRandom | undefined,
): HistoryBlock {
  return renderHistory(records, level, rungLevels, budget, rng, compactHistoryLine, selectNearTop);
}

type LineFormat = (cell: Cell, points: readonly [number, number][], failed: boolean) => string;
type LineSelection = (ranked: readonly CellRecord[], line: (r: CellRecord) => string, budget: TokenBudget) => string[];

function renderHistory(
  records: readonly CellRecord[], level: number | undefined, rungLevels: readonly number[],
  budget: TokenBudget, rng: SeededRandom | undefined, format: LineFormat, select: LineSelection,
): HistoryBlock {
  const shown = shownEpochs(level, rungLevels);
  const ranked = rankRecords(records.slice(), level);
  return assemble(select(ranked, (r) => format(r.cell, curvePoints(r, shown), r.failed), budget), records.length, rng);
}

/**
 * Lines of `ranked` (best first) within `budget`: all of them when they fit; else the best cells (up to
 * a quarter of the budget), then the others by Hamming distance on the 6 edges to the nearest of those
 * top cells (ties by rank) until the budget is used.
 */
export function selectNearTop(ranked: readonly CellRecord[], line: (r: CellRecord) => string, budget: TokenBudget): string[] {
  const lines = ranked.map(line);
  const costs = lines.map((text) => budget.count(text));
  const budgetTokens = budget.tokens;
  if (costs.reduce((a, c) => a + c, 0) <= budgetTokens) return lines;
  const chosen = new Set<number>();
  let used = 0;
  const tryAdd = (i: number, limit: number): boolean => {
    if (used + costs[i] > limit) return false;
    chosen.add(i);
    used += costs[i];
    return true;
  };
  for (let i = 0; i < ranked.length; i++) if (!tryAdd(i, budgetTokens * TOP_SHARE)) break;
  if (chosen.size === 0 && ranked.length > 0) tryAdd(0, budgetTokens);
  const top = [...chosen].map((i) => ranked[i].cell);
  const distance = ranked.map((r) => Math.min(...top.map((t) => hammingDistance(r.cell, t))));
  const rest = ranked.map((_, i) => i).filter((i) => !chosen.has(i)).sort((a, b) => distance[a] - distance[b] || a - b);
  for (const i of rest) tryAdd(i, budgetTokens);
  return ranked.map((_, i) => i).filter((i) => chosen.has(i)).map((i) => lines[i]);
}

/** Labelled history for the generative surrogate: only cells with a result at `level`. */
export function renderLabelledHistory(
  records: readonly CellRecord[], level: number, threshold: number, budget: TokenBudget, rng: SeededRandom | undefined,
): HistoryBlock {
  const atLevel = rankRecords(records.filter((r) => errorAt(r, level) !== undefined), level);
  const line = (r: CellRecord) => labelledLine(r.cell, (errorAt(r, level) as number) <= threshold);
  return assemble(selectWithinBudget(atLevel, line, budget), atLevel.length, rng);
}

/**
 * Picks lines from `ranked` (best first) within the budget's tokens (each line measured by
 * `budget.count`): best cells up to 40% of the budget, the most recently updated up to 70%, then
 * evenly spaced ranks until the budget is used.
 */
export function selectWithinBudget(ranked: readonly CellRecord[], line: (r: CellRecord) => string, budget: TokenBudget): string[] {
  const budgetTokens = budget.tokens;
  const chosen = new Map<CellRecord, string>();
  let used = 0;
  const tryAdd = (record: CellRecord, limit: number): boolean => {
    if (chosen.has(record)) return true;
    const text = line(record);
    const cost = budget.count(text);
    if (used + cost > limit) return false;
    chosen.set(record, text);
    used += cost;
    return true;
  };
  for (const record of ranked) if (!tryAdd(record, budgetTokens * BEST_SHARE)) break;
  if (chosen.size === ranked.length) return [...chosen.values()];
  const recent = ranked.slice().sort((a, b) => b.lastSeq - a.lastSeq);
  for (const record of recent) if (!tryAdd(record, budgetTokens * (BEST_SHARE + RECENT_SHARE))) break;
  const rest = ranked.filter((r) => !chosen.has(r));
  if (rest.length > 0) {
    const averageCost = chosen.size > 0 ? used / chosen.size : budget.count(line(rest[0]));
    const room = Math.max(0, Math.floor((budgetTokens - used) / averageCost));
    const step = rest.length / Math.max(1, Math.min(room, rest.length));
    for (let x = 0; x < rest.length && room > 0; x += step) tryAdd(rest[Math.floor(x)], budgetTokens);
  }
  // Keep rank order; the caller shuffles.
  return ranked.filter((r) => chosen.has(r)).map((r) => chosen.get(r) as string);
}

/**
 * Cells picked or training but without a result yet, newest first, within the budget: concurrent
 * sampler requests cannot see each other, so this is how they learn what is already taken.
 */
export function renderPendingBlock(cells: readonly Cell[], totalPending: number, budget: TokenBudget): string {
  if (cells.length === 0) return '';
  const lines: string[] = [];
  let used = 0;
  for (const cell of cells) {
    const line = cellOpsJson(cell);
    const cost = budget.count(line);
    if (used + cost > budget.tokens) break;
    lines.push(line);
    used += cost;
  }
  if (lines.length === 0) return '';
  const which = lines.length < totalPending ? `the ${lines.length} most recent of ${totalPending}` : `${lines.length}`;
  return `Cells already chosen and being trained now, without results yet (${which}); do not propose them:\n${lines.join('\n')}`;
}

function assemble(lines: string[], totalCount: number, rng: SeededRandom | undefined): HistoryBlock {
  const ordered = rng ? rng.shuffled(lines) : lines;
  return { text: ordered.join('\n'), shownCount: lines.length, totalCount };
}
