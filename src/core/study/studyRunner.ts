/**
 * Runs one study from its spec on a loaded benchmark: builds scheduler and searcher from the master
 * seed, wraps the simulation in studyStarted / studyFinished events, and returns a summary.
 */
import type { Benchmark } from '../benchmark/benchmark';
import { SeededRandom } from '../random/seededRandom';
import { createScheduler } from '../schedulers/schedulerFactory';
import type { LlmChat } from '../llambo/llmChat';
import { endpointDisabledNotice, LlmHealthMonitor, type LlmHealth } from '../llambo/llmHealthMonitor';
import { EndpointCircuitBreaker } from '../llm/endpointCircuitBreaker';
import type { LlmTotals } from '../llm/llmTypes';
import type { Searcher, SearcherNotice } from '../searchers/searcher';
import { createSearcher, LLM_SEARCHERS, type SearcherOptions } from '../searchers/searcherFactory';
import { simulateStudy, type SimulationSummary } from '../sim/simulateStudy';
import type { EventSink } from '../events/studyEvents';
import { EventStream } from './eventStream';
import { LlmTally, type LlmStudyTotals } from './llmTally';
import { createStudyLlmClient, type StudyLlmAccess } from './studyLlmClient';
import { makeStudyId } from './studyId';
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
  /** Present for searchers that use an LLM. */
  readonly llm?: LlmStudyTotals & { readonly httpRequests: number; readonly retries: number; readonly health: LlmHealth };
}

export async function runStudy(specInput: StudySpecInput | StudySpec, options: RunStudyOptions): Promise<StudySummary> {
  const spec = parseStudySpec(specInput);
  const { benchmark } = options;
  checkSpecAgainstTable(spec, benchmark.maxEpoch);
  const studyId = spec.studyId ?? makeStudyId(spec, (options.now ?? (() => new Date()))());
  const usesLlm = LLM_SEARCHERS.includes(spec.searcher);
  const tally = usesLlm ? new LlmTally() : undefined;
  const health = usesLlm ? new LlmHealthMonitor(options.onLlmHealthProblem) : undefined;
  const stream = new EventStream([...(options.sinks ?? []), ...(tally ? [tally.sink] : []), ...(health ? [health.sink] : [])]);
  const master = new SeededRandom(spec.seed);
  const scheduler = createScheduler(spec.scheduler, { rMin: spec.rMin, eta: spec.eta, rMax: spec.rMax });
  const client = usesLlm && !options.llm?.chat && spec.llm && !options.searcher ? createStudyLlmClient(spec.llm, options.llm) : undefined;
  const breaker = new EndpointCircuitBreaker({ onOpen: (reason) => emitNotice(stream, endpointDisabledNotice(reason)) });
  const rawChat: LlmChat | undefined = options.llm?.chat ?? (client ? (request) => client.chat(request) : undefined);
  const chat = rawChat ? breaker.wrap(rawChat) : undefined;
  const searcher = options.searcher ?? createSearcher(spec.searcher, searcherOptionsOf(spec), { chat, signal: options.signal, scheduler });

  const { info } = benchmark;
  stream.emit({
    type: 'studyStarted', time: 0, studyId, spec,
    table: { label: info.label, kind: info.kind, provenanceNote: info.provenanceNote },
    optimumError: benchmark.optimumError,
  });
  let started = 0;
  let summary: SimulationSummary;
  try {
    // Configured after studyStarted, so notices it emits (e.g. a warm start) follow it in the log.
    searcher.configure({
      rng: master.derive('searcher'),
      initialDesignRng: master.derive('initialDesign'),
      rungLevels: scheduler.rungLevels,
      maxEpoch: spec.rMax,
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
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (error) {
    stream.emit({ type: 'studyError', time: stream.time, message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  const wallMs = performance.now() - started;
  stream.emit({
    type: 'studyFinished', time: summary.simulatedSeconds,
    reason: summary.stopReason,
    trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
    bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax, incumbentArch: summary.incumbentArch,
  });
  return {
    ...summary, studyId, searcher: searcher.name, scheduler: spec.scheduler, seed: spec.seed,
    table: info.label, optimumError: benchmark.optimumError, wallMs, eventCount: stream.count,
    ...(tally && health ? { llm: { ...tally.totals, ...httpCounts(client?.totals), health: health.health } } : {}),
  };
}

/** The searcher's options: the spec's searcherOptions, plus LLAMBO's modelled seconds per LLM call. */
function searcherOptionsOf(spec: StudySpec): SearcherOptions {
  const { mode, secondsPerLlmCall } = spec.decisionTime;
  return { ...spec.searcherOptions, ...(mode === 'modelled' && secondsPerLlmCall !== undefined ? { secondsPerCall: secondsPerLlmCall } : {}) };
}

function httpCounts(totals: LlmTotals | undefined): { httpRequests: number; retries: number } {
  return { httpRequests: totals?.httpRequests ?? 0, retries: totals?.retries ?? 0 };
}

function emitNotice(stream: EventStream, notice: SearcherNotice): void {
  if (notice.kind === 'fallback') {
    stream.emit({ type: 'fallback', time: stream.time, message: notice.message, detail: notice.detail });
  } else {
    stream.emit({ type: 'searcherInfo', time: stream.time, message: notice.message, detail: notice.detail });
  }
}
