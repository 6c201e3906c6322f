/**
 * Runs one study from its spec on a loaded benchmark: builds scheduler and searcher from the master
 * seed, wraps the simulation in studyStarted / studyFinished events, and returns a summary.
 */
import type { Benchmark } from '../benchmark/benchmark';
import { SeededRandom } from '../random/seededRandom';
import { createScheduler } from '../schedulers/schedulerFactory';
import type { LlmChat } from '../llambo/llmChat';
import { endpointDisabledNotice, LlmHealthMonitor, type LlmHealth } from '../llambo/llmHealthMonitor';
import { EndpointCircuitBreaker, type CircuitBreakerOptions } from '../llm/endpointCircuitBreaker';
import type { LlmTotals } from '../llm/llmTypes';
import type { Searcher, SearcherNotice } from '../searchers/searcher';
import { isLlmSearcher } from '../searchers/llmSearchers';
import { createSearcher, type SearcherOptions } from '../searchers/searcherFactory';
import { simulateStudy, type SimulationSummary } from '../sim/simulateStudy';
import type { EventSink, StudyDelay } from '../events/studyEvents';
import { LlamboSearcher } from '../searchers/llamboSearcher';
import { StudyResultFold, type IncumbentAtMaxPath, type ResultHeadline } from '../readModel/studyResult';
import { publicSpec, redactingSink, specSecrets } from './eventRedaction';
import { EventStream } from './eventStream';
import { LlmTally, type LlmStudyTotals } from './llmTally';
import { adaptationMessage, createStudyLlmClient, studyContextWindow, type StudyLlmAccess } from './studyLlmClient';
import { makeStudyId } from './studyId';
import type { WarmStartReplyMemo } from './warmStartReplyMemo';
import { checkStudyFits } from './studySize';
import { checkSpecAgainstTable, parseStudySpec, type SchedulerKind, type StudySpec, type StudySpecInput } from './studySpec';

export interface StudyProgress {
  readonly fraction: number;
  readonly trialsStarted: number;
  readonly resultsReported: number;
}

export interface RunStudyOptions {
  readonly benchmark: Benchmark;
  readonly sinks?: readonly EventSink[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: StudyProgress) => void;
  /** A ready searcher instead of the one the spec names (e.g. LLAMBO with its LLM client). */
  readonly searcher?: Searcher;
  /** Clock for the generated study id (tests pin it). */
  readonly now?: () => Date;
  /** How searchers that need an LLM reach it: the key (and test hooks) for the spec's endpoint, or a ready chat function. */
  readonly llm?: StudyLlmAccess & { readonly chat?: LlmChat };
  /** Hears each LLM health problem once, as it appears (CLI: a line on stderr). */
  readonly onLlmHealthProblem?: (problem: string) => void;
  /** Warm-start replies shared with other studies (a comparison's): each warm-start request is sent once per endpoint. */
  readonly warmStartReplies?: WarmStartReplyMemo;
  /** When the endpoint stops being called (default: 3 consecutive connection failures, or a 401/403). */
  readonly circuitBreaker?: Pick<CircuitBreakerOptions, 'connectionFailuresToOpen'>;
}

export interface StudySummary extends SimulationSummary {
  readonly studyId: string;
  readonly searcher: string;
  readonly scheduler: SchedulerKind;
  readonly seed: number;
  /** Label of the table the results came from. */
  readonly table: string;
  readonly optimumError: number;
  /** Wall-clock milliseconds of the simulation itself (not the table load). */
  readonly wallMs: number;
  readonly eventCount: number;
  /**
   * The study's result (DESIGN.md section 10): the returned architecture, its seed-mean error at the
   * table's last epoch and regret; bestError and bestErrorAtMax stay for compatibility.
   */
  readonly headline: ResultHeadline | null;
  /** Present for searchers that use an LLM when decision time is measured or modelled. */
  readonly delay?: StudyDelay;
  /** The incumbent at r_max over simulated time (a step per new best at r_max): what comparisons plot. */
  readonly incumbentAtMax: IncumbentAtMaxPath;
  /** Present for searchers that use an LLM. */
  readonly llm?: LlmStudyTotals & {
    readonly httpRequests: number;
    readonly retries: number;
    /** HTTP requests the endpoint refused for a parameter it does not take (each worked around once). */
    readonly refusedRequests: number;
    /** What the client learnt about the endpoint, one readable line each. */
    readonly endpointAdaptations: readonly string[];
    readonly health: LlmHealth;
  };
}

/**
 * Every check a study passes before it starts (the spec against the table, the size against memory);
 * callers that create files for a study call it first, so a refused study leaves nothing behind.
 */
export function checkStudyRunnable(spec: StudySpec, benchmark: Benchmark): void {
  checkSpecAgainstTable(spec, benchmark.maxEpoch);
  checkStudyFits(spec, benchmark);
}

export async function runStudy(specInput: StudySpecInput | StudySpec, options: RunStudyOptions): Promise<StudySummary> {
  const spec = parseStudySpec(specInput);
  const { benchmark } = options;
  checkStudyRunnable(spec, benchmark);
  const studyId = spec.studyId ?? makeStudyId(spec, (options.now ?? (() => new Date()))());
  const usesLlm = isLlmSearcher(spec.searcher);
  const tally = usesLlm ? new LlmTally() : undefined;
  // Every sink (the CLI's and the worker's events.jsonl, the host, the tally, the health monitor) sees events
  // with the key cut out; without sinks the stream only counts (headless comparisons).
  // The result fold reads only trial and result events, so it needs neither the key redaction nor the seq:
  // it observes the drafts, and a study without sinks makes no event objects at all.
  const result = new StudyResultFold();
  const health = usesLlm ? new LlmHealthMonitor(options.onLlmHealthProblem) : undefined;
  const sinks = [...(options.sinks ?? []), ...(tally ? [tally.sink] : []), ...(health ? [health.sink] : [])];
  const stream = new EventStream(sinks.length > 0 ? [redactingSink([options.llm?.apiKey, ...specSecrets(spec)], sinks)] : []);
  stream.observeDrafts((draft) => result.add(draft));
  const master = new SeededRandom(spec.seed);
  const scheduler = createScheduler(spec.scheduler, { rMin: spec.rMin, eta: spec.eta, rMax: spec.rMax });
  const llmSpec = spec.llm;
  const client = usesLlm && !options.llm?.chat && llmSpec && !options.searcher
    ? createStudyLlmClient(llmSpec, options.llm, (adaptation) =>
      emitNotice(stream, { kind: 'info', message: adaptationMessage(llmSpec, adaptation), detail: { llmEndpoint: adaptation } }))
    : undefined;
  const breaker = new EndpointCircuitBreaker({ ...options.circuitBreaker, onOpen: (reason) => emitNotice(stream, endpointDisabledNotice(reason)) });
  const ownChat: LlmChat | undefined = options.llm?.chat ?? (client ? (request) => client.chat(request) : undefined);
  const rawChat = ownChat && llmSpec && options.warmStartReplies ? options.warmStartReplies.chatFor(llmSpec, ownChat) : ownChat;
  const chat = rawChat ? breaker.wrap(rawChat) : undefined;
  const firstRungOf = scheduler.firstRungOf?.bind(scheduler);
  const searcher = options.searcher ?? createSearcher(spec.searcher, searcherOptionsOf(spec), { chat, signal: options.signal });

  const { info } = benchmark;
  stream.emit({
    type: 'studyStarted', time: 0, studyId, spec: publicSpec(spec),
    table: { label: info.label, kind: info.kind, provenanceNote: info.provenanceNote },
    optimumError: benchmark.optimumError,
  });
  const cacheNotice = client?.cacheNotice;
  if (cacheNotice) emitNotice(stream, { kind: 'info', message: cacheNotice, detail: { replyCache: 'droppedTornLine' } });
  let started: number;
  let summary: SimulationSummary;
  try {
    // Configured after studyStarted, so notices it emits (e.g. a warm start) follow it in the log.
    searcher.configure({
      rng: master.derive('searcher'),
      initialDesignRng: master.derive('initialDesign'),
      rungLevels: scheduler.rungLevels,
      maxEpoch: spec.rMax,
      ...(firstRungOf ? { firstRungOf } : {}),
      isoClassOf: (cell) => benchmark.isoClass(benchmark.indexOf(cell)),
      emit: (notice) => emitNotice(stream, notice),
      emitLlmCall: (call) => stream.emit({ ...call, time: stream.time }),
    });
    started = performance.now();
    summary = await simulateStudy({
      benchmark, scheduler, searcher, workers: spec.workers,
      stop: { maxSimulatedSeconds: spec.budgetSeconds, maxTrials: spec.maxTrials },
      clock: spec.clock,
      decisionTime: { mode: spec.decisionTime.mode, secondsPerSuggestion: spec.decisionTime.secondsPerSuggestion },
      rng: master.derive('simulator'),
      emit: (draft) => stream.emit(draft),
      // Without sinks only the result fold reads the stream: the events it does not read are counted, not built.
      ...(sinks.length === 0 ? { readOnly: { types: StudyResultFold.READS, count: (time: number) => stream.countUnread(time) } } : {}),
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (error) {
    stream.emit({ type: 'studyError', time: stream.time, message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  const wallMs = performance.now() - started;
  const delay = usesLlm ? studyDelay(spec.decisionTime.mode, summary, searcher) : undefined;
  stream.emit({
    type: 'studyFinished', time: summary.simulatedSeconds,
    reason: summary.stopReason,
    trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
    bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax, incumbentArch: summary.incumbentArch,
    ...(delay ? { delay } : {}),
  });
  return {
    ...summary, ...(delay ? { delay } : {}), studyId, searcher: searcher.name, scheduler: spec.scheduler, seed: spec.seed,
    table: info.label, optimumError: benchmark.optimumError, wallMs, eventCount: stream.count, headline: result.headline,
    incumbentAtMax: result.incumbentAtMax,
    ...(tally && health ? {
      llm: {
        ...tally.totals, ...httpCounts(client?.totals),
        endpointAdaptations: llmSpec && client ? client.adaptations.map((a) => adaptationMessage(llmSpec, a)) : [],
        health: health.health,
      },
    } : {}),
  };
}

/**
 * The searcher's options: the model and context window LLAMBO budgets its prompts with (from the
 * spec's llm section), the spec's searcherOptions, LLAMBO's modelled seconds per LLM call, and its
 * prefetch: on when decision time is charged unless the spec turns it off (ignored time gains nothing).
 */
function searcherOptionsOf(spec: StudySpec): SearcherOptions {
  const { mode, secondsPerLlmCall, prefetch } = spec.decisionTime;
  return {
    ...(spec.llm ? { model: spec.llm.model, contextWindow: studyContextWindow(spec.llm) } : {}),
    ...spec.searcherOptions,
    ...(mode === 'modelled' && secondsPerLlmCall !== undefined ? { secondsPerCall: secondsPerLlmCall } : {}),
    ...(spec.searcher === 'llambo' ? { prefetch: mode !== 'ignore' && prefetch !== false } : {}),
  };
}

/** The delay figures of an LLM study whose decision time was charged; undefined when it was ignored. */
function studyDelay(mode: StudySpec['decisionTime']['mode'], summary: SimulationSummary, searcher: Searcher): StudyDelay | undefined {
  if (mode === 'ignore') return undefined;
  const { spentSeconds, chargedSeconds, idleWorkerSeconds, idleShare } = summary.decision;
  const prefetch = searcher instanceof LlamboSearcher && searcher.options.prefetch;
  return { mode, prefetch, llmSeconds: spentSeconds, chargedSeconds, idleWorkerSeconds, idleShare };
}

function httpCounts(totals: LlmTotals | undefined): { httpRequests: number; retries: number; refusedRequests: number } {
  return { httpRequests: totals?.httpRequests ?? 0, retries: totals?.retries ?? 0, refusedRequests: totals?.refusedRequests ?? 0 };
}

function emitNotice(stream: EventStream, notice: SearcherNotice): void {
  if (notice.kind === 'fallback') {
    stream.emit({ type: 'fallback', time: stream.time, message: notice.message, detail: notice.detail });
  } else {
    stream.emit({ type: 'searcherInfo', time: stream.time, message: notice.message, detail: notice.detail });
  }
}
