/**
 * A 5 h / 4-worker synchronous Hyperband LLAMBO study through the real LlmClient over HTTP against the
 * realistic responder double (fake OpenAI-compatible server on 127.0.0.1), and what it measures: did
 * every LLM trial train exactly a cell its linked call proposed in the final answer, was anything named
 * only in a think block trained, how many fallbacks, how the proposals fared (yield), and did the
 * surrogate record the predictions the double meant. Shared by the study test and `npm run bench`.
 * Test double only: none of these numbers is about a real model.
 */
import { REFUSAL_REASONS, yieldFromParsed } from '../../src/core/llambo/proposalYield';
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import type { LlmCallEvent, StudyEvent, TrialStartedEvent } from '../../src/core/events/studyEvents';
import { cellCode, type Cell } from '../../src/core/nb201/searchSpace';
import { runStudy, type StudySummary } from '../../src/core/study/studyRunner';
import { FakeLlmServer } from './fakeLlmServer';
import { collectEvents, trialStarts } from './llamboStudyHarness';
import { serverResponder } from './llmResponders';
import type { RealisticResponder, RecordedReply } from './realisticResponder';

export const REALISTIC_STUDY = { hours: 5, workers: 4, scheduler: 'sync-hyperband', concurrency: 4 } as const;

export interface RealisticRun {
  readonly seed: number;
  readonly summary: StudySummary;
  readonly events: StudyEvent[];
}

export async function runRealisticStudy(benchmark: Benchmark, responder: RealisticResponder, seed: number, studyId: string): Promise<RealisticRun> {
  const server = await new FakeLlmServer(serverResponder(responder.replier)).start();
  const { events, sink } = collectEvents();
  try {
    const summary = await runStudy({
      searcher: 'llambo', scheduler: REALISTIC_STUDY.scheduler, workers: REALISTIC_STUDY.workers, hours: REALISTIC_STUDY.hours, seed, studyId,
      searcherOptions: { timingConcurrency: REALISTIC_STUDY.concurrency },
      llm: { baseUrl: server.baseUrl, model: 'realistic-test-double', concurrency: REALISTIC_STUDY.concurrency },
    }, { benchmark, sinks: [sink], llm: {} });
    return { seed, summary, events };
  } finally {
    await server.close();
  }
}

export interface ProposalYield {
  /** Valid cells the double's final answers proposed. */
  proposed: number;
  /** Cells the searcher read from those replies (right or wrong). */
  read: number;
  accepted: number;
  /** Refusals by the searcher's own reasons (the tally each call event carries, proposalYield.ts). */
  refused: Record<string, number>;
}

export interface RealisticMeasures {
  readonly seed: number;
  readonly newConfigs: number;
  readonly llmTrials: number;
  /** LLM trials whose linked call is not a reply of this double (must be 0: the link is broken otherwise). */
  readonly unlinkedTrials: number;
  /** LLM trials whose cell is none of the cells the linked call proposed in its final answer. */
  readonly notProposed: number;
  /** Of those, the ones with the same ops as a proposed cell on other edges (an edge swap). */
  readonly edgeSwaps: number;
  /** LLM trials whose cell the linked call named only in its think block. */
  readonly thinkOnlyTrained: number;
  readonly fallbacks: number;
  readonly requests: number;
  readonly parseFailures: number;
  /** Surrogate candidates imputed (too few predictions read), summed over batches. */
  readonly imputedCandidates: number;
  /** Per-id predictions of the double's surrogate replies: read equal to the meant value, read otherwise, not read. */
  readonly predictions: { meant: number; equal: number; differ: number; missing: number };
  readonly yield: ProposalYield;
  /** First sampler stage (concurrent requests of the first rung batch): cells proposed, distinct, bracket. */
  readonly firstStage: { requests: number; proposed: number; distinct: number; bracket: number | null };
  /** Reply forms the double used, by form (cells and predictions). */
  readonly forms: Record<string, number>;
}

const LLM_SOURCES = new Set(['llambo', 'warmstart']);
const PROPOSAL_COMPONENTS = new Set(['warmstart', 'sampler', 'repair']);

function sortedOps(cell: Cell): string {
  return cell.slice().sort().join(',');
}

function firstCallId(trial: TrialStartedEvent): string | undefined {
  const ids = trial.info?.callIds;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : undefined;
}

function countImputed(events: readonly StudyEvent[]): number {
  let sum = 0;
  for (const e of events) {
    if (e.type !== 'searcherInfo') continue;
    const m = /surrogate: (\d+) of \d+ candidates imputed/.exec(e.message);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

function proposalYield(calls: readonly LlmCallEvent[], recordOf: (call: LlmCallEvent) => RecordedReply | undefined): ProposalYield {
  const out: ProposalYield = { proposed: 0, read: 0, accepted: 0, refused: {} };
  for (const call of calls) {
    if (!PROPOSAL_COMPONENTS.has(call.component)) continue;
    out.proposed += recordOf(call)?.proposed.length ?? 0;
    const parsed = call.parsed as { cells?: unknown[]; accepted?: number } | undefined;
    out.read += parsed?.cells?.length ?? 0;
    out.accepted += parsed?.accepted ?? 0;
    const tally = yieldFromParsed(call.parsed);
    for (const reason of REFUSAL_REASONS) {
      if (tally && tally.refused[reason] > 0) out.refused[reason] = (out.refused[reason] ?? 0) + tally.refused[reason];
    }
  }
  return out;
}

function surrogateAgreement(calls: readonly LlmCallEvent[], recordOf: (call: LlmCallEvent) => RecordedReply | undefined): RealisticMeasures['predictions'] {
  const out = { meant: 0, equal: 0, differ: 0, missing: 0 };
  for (const call of calls) {
    const record = call.component === 'surrogate' ? recordOf(call) : undefined;
    if (!record || record.kind !== 'predictions') continue;
    const read = ((call.parsed as { predictions?: Record<string, number> } | undefined)?.predictions) ?? {};
    for (const [id, meant] of record.predictions) {
      out.meant++;
      const got = read[id];
      if (got === undefined) out.missing++;
      else if (Math.abs(got - meant) < 1e-9) out.equal++;
      else out.differ++;
    }
  }
  return out;
}

/** The first run of sampler calls: the concurrent requests of the first rung batch after warm start. */
function firstSamplerStage(calls: readonly LlmCallEvent[]): LlmCallEvent[] {
  const start = calls.findIndex((c) => c.component === 'sampler');
  if (start < 0) return [];
  const end = calls.findIndex((c, i) => i > start && c.component !== 'sampler');
  return calls.slice(start, end < 0 ? calls.length : end);
}

export function measureRealisticRun(run: RealisticRun, responder: RealisticResponder): RealisticMeasures {
  const { events, summary } = run;
  const calls = events.filter((e): e is LlmCallEvent => e.type === 'llmCall');
  const byId = new Map(calls.map((c) => [c.callId, c]));
  const recordOf = (call: LlmCallEvent) => (call.reply === null ? undefined : responder.recordOf(call.reply));
  const starts = trialStarts(events);
  let llmTrials = 0, unlinkedTrials = 0, notProposed = 0, edgeSwaps = 0, thinkOnlyTrained = 0;
  const bracketOfCall = new Map<string, number>();
  for (const trial of starts) {
    if (!LLM_SOURCES.has(String(trial.info?.source))) continue;
    llmTrials++;
    const id = firstCallId(trial);
    const call = id === undefined ? undefined : byId.get(id);
    const record = call ? recordOf(call) : undefined;
    if (!record) { unlinkedTrials++; continue; }
    bracketOfCall.set(call!.callId, trial.bracket);
    const code = cellCode(trial.ops);
    if (!record.proposed.some((c) => cellCode(c) === code)) {
      notProposed++;
      if (record.proposed.some((c) => sortedOps(c) === sortedOps(trial.ops))) edgeSwaps++;
    }
    if (record.thinkOnly.some((c) => cellCode(c) === code)) thinkOnlyTrained++;
  }
  const stage = firstSamplerStage(calls);
  const stageCells = stage.flatMap((c) => recordOf(c)?.proposed ?? []);
  const forms: Record<string, number> = {};
  for (const call of calls) {
    const record = recordOf(call);
    if (!record) continue;
    const key = `${record.kind}:${record.form}${record.think === 'none' ? '' : `+think(${record.think})`}`;
    forms[key] = (forms[key] ?? 0) + 1;
  }
  return {
    seed: run.seed,
    newConfigs: starts.length,
    llmTrials, unlinkedTrials, notProposed, edgeSwaps, thinkOnlyTrained,
    fallbacks: starts.filter((t) => t.fallback === true).length,
    requests: summary.llm?.requests ?? calls.length,
    parseFailures: summary.llm?.parseFailures ?? 0,
    imputedCandidates: countImputed(events),
    predictions: surrogateAgreement(calls, recordOf),
    yield: proposalYield(calls, recordOf),
    firstStage: {
      requests: stage.length,
      proposed: stageCells.length,
      distinct: new Set(stageCells.map(cellCode)).size,
      bracket: stage.map((c) => bracketOfCall.get(c.callId)).find((b) => b !== undefined) ?? null,
    },
    forms,
  };
}

/** Sums of the per-seed measures (forms and refusal reasons merged). */
export function totalMeasures(runs: readonly RealisticMeasures[]): Omit<RealisticMeasures, 'seed'> & { seeds: number } {
  const add = (pick: (m: RealisticMeasures) => number) => runs.reduce((s, m) => s + pick(m), 0);
  const merge = (pick: (m: RealisticMeasures) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const m of runs) for (const [k, v] of Object.entries(pick(m))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    seeds: runs.length,
    newConfigs: add((m) => m.newConfigs), llmTrials: add((m) => m.llmTrials), unlinkedTrials: add((m) => m.unlinkedTrials),
    notProposed: add((m) => m.notProposed), edgeSwaps: add((m) => m.edgeSwaps), thinkOnlyTrained: add((m) => m.thinkOnlyTrained),
    fallbacks: add((m) => m.fallbacks), requests: add((m) => m.requests), parseFailures: add((m) => m.parseFailures),
    imputedCandidates: add((m) => m.imputedCandidates),
    predictions: {
      meant: add((m) => m.predictions.meant), equal: add((m) => m.predictions.equal),
      differ: add((m) => m.predictions.differ), missing: add((m) => m.predictions.missing),
    },
    yield: { proposed: add((m) => m.yield.proposed), read: add((m) => m.yield.read), accepted: add((m) => m.yield.accepted), refused: merge((m) => m.yield.refused) },
    firstStage: {
      requests: add((m) => m.firstStage.requests), proposed: add((m) => m.firstStage.proposed), distinct: add((m) => m.firstStage.distinct),
      bracket: runs.every((m) => m.firstStage.bracket === runs[0]?.firstStage.bracket) ? runs[0]?.firstStage.bracket ?? null : null,
    },
    forms: merge((m) => m.forms),
  };
}

export const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
export const pct = (part: number, whole: number) => `${(100 * share(part, whole)).toFixed(1)}%`;

/** One line with every "before/after" number, for the test log and the bench. */
export function summaryLine(t: ReturnType<typeof totalMeasures>): string {
  const refused = Object.entries(t.yield.refused).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return `realistic double (test double, ${t.seeds} seeds): LLM trials ${t.llmTrials}, not the proposed cell ${t.notProposed} (${pct(t.notProposed, t.llmTrials)}; ` +
    `edge swaps ${t.edgeSwaps}), think-only cells trained ${t.thinkOnlyTrained}, fallbacks ${t.fallbacks} of ${t.newConfigs} new trials (${pct(t.fallbacks, t.newConfigs)}), ` +
    `requests per new config ${share(t.requests, t.newConfigs).toFixed(3)}, parse failures ${t.parseFailures} of ${t.requests} requests, ` +
    `imputed surrogate candidates ${t.imputedCandidates}, predictions read as meant ${t.predictions.equal} of ${t.predictions.meant} ` +
    `(different ${t.predictions.differ}, missing ${t.predictions.missing}); proposal yield: proposed ${t.yield.proposed}, read ${t.yield.read}, ` +
    `accepted ${t.yield.accepted}, refused: ${refused}; first sampler stage: ${t.firstStage.requests} requests, ` +
    `${t.firstStage.proposed - t.firstStage.distinct} of ${t.firstStage.proposed} proposals duplicates (${pct(t.firstStage.proposed - t.firstStage.distinct, t.firstStage.proposed)})`;
}
