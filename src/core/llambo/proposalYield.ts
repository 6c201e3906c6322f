/**
 * Proposal yield: of the cells an LLM proposed, how many the searcher accepted, how many it did not
 * need (the pool was full), and how many it refused, by reason. The one definition of the refusal
 * reasons: the registry, the proposal rounds, the study tally, the CLI, the panel and the bench all
 * use these names.
 */

/**
 * Why a proposed cell was refused:
 * - evaluated: the same cell has a result already;
 * - pending: the same cell is picked or training, without a result yet;
 * - duplicate: the same cell was already accepted in this batch;
 * - isomorphic: a different wiring of a cell that is evaluated, pending or in the batch (same function);
 * - invalidOp: the reply named an op that is not one of the five NB201 ops, or was not readable as a cell;
 * - wrongEdgeCount: the reply gave more or fewer than six edges (or left edges out);
 * - disconnected: no path of non-none edges from input to output (trains to chance level).
 */
export const REFUSAL_REASONS = ['evaluated', 'pending', 'duplicate', 'isomorphic', 'invalidOp', 'wrongEdgeCount', 'disconnected'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Reasons that mean "this cell is already taken" (the duplicate share of a batch). */
export const ALREADY_TAKEN: readonly RefusalReason[] = ['evaluated', 'pending', 'duplicate', 'isomorphic'];

export interface ProposalYield {
  /** Cells proposed: every cell item a reply held, readable or not. */
  proposed: number;
  accepted: number;
  /** Usable cells beyond what the pool needed (oversampling covered the losses). */
  unused: number;
  refused: Record<RefusalReason, number>;
}

export function emptyYield(): ProposalYield {
  return { proposed: 0, accepted: 0, unused: 0, refused: Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number> };
}

/** Adds `part` into `total` (in place) and returns `total`. */
export function addYield(total: ProposalYield, part: ProposalYield): ProposalYield {
  total.proposed += part.proposed;
  total.accepted += part.accepted;
  total.unused += part.unused;
  for (const reason of REFUSAL_REASONS) total.refused[reason] += part.refused[reason];
  return total;
}

export function refusedCount(y: ProposalYield): number {
  return REFUSAL_REASONS.reduce((sum, reason) => sum + y.refused[reason], 0);
}

/** Share of proposed cells refused as already taken (evaluated, pending, duplicate, isomorphic). */
export function duplicateShare(y: ProposalYield): number {
  return y.proposed === 0 ? 0 : ALREADY_TAKEN.reduce((s, r) => s + y.refused[r], 0) / y.proposed;
}

/** How each reason is told to the LLM (repair turn) and to the user. */
export const REFUSAL_TEXT: Readonly<Record<RefusalReason, string>> = {
  evaluated: 'already evaluated',
  pending: 'already chosen and pending (being trained, no result yet)',
  duplicate: 'duplicate of another cell in this batch',
  isomorphic: 'isomorphic to a cell already evaluated, chosen or in this batch (the same network wired differently)',
  invalidOp: 'not a valid cell (unknown operation name or unreadable)',
  wrongEdgeCount: 'wrong number of edges (need exactly six)',
  disconnected: 'output disconnected from input (trains to about 90% error)',
};

/**
 * The reason for a cell item the reply parser could not read, from the parser's own description:
 * anything about the number or presence of edges is a wrong edge count, the rest an invalid op.
 */
export function parseRefusalReason(parserReason: string): RefusalReason {
  return /\bedges?\b/i.test(parserReason) && !/\bop\b|operation/i.test(parserReason) ? 'wrongEdgeCount' : 'invalidOp';
}

/** A yield read back from an event's `parsed.yield`, or undefined when the event has none (older logs, other calls). */
export function yieldFromParsed(parsed: unknown): ProposalYield | undefined {
  const raw = parsed && typeof parsed === 'object' ? (parsed as { yield?: unknown }).yield : undefined;
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Partial<ProposalYield>;
  const out = emptyYield();
  out.proposed = numberOr0(r.proposed);
  out.accepted = numberOr0(r.accepted);
  out.unused = numberOr0(r.unused);
  for (const reason of REFUSAL_REASONS) out.refused[reason] = numberOr0(r.refused?.[reason]);
  return out;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** "120 cells proposed: 80 accepted, 10 unused, 30 refused (evaluated 12, isomorphic 3, ...)"; reasons with 0 left out. */
export function describeYield(y: ProposalYield): string {
  const reasons = REFUSAL_REASONS.filter((r) => y.refused[r] > 0).map((r) => `${r} ${y.refused[r]}`);
  const refused = refusedCount(y);
  return `${y.proposed} ${y.proposed === 1 ? 'cell' : 'cells'} proposed: ${y.accepted} accepted, ${y.unused} unused, ${refused} refused` +
    (reasons.length ? ` (${reasons.join(', ')})` : '');
}
