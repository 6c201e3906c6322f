/**
 * What `study` prints about one finished study: the JSON line of --json, or the readable summary. Both
 * lead with the headline (DESIGN.md section 10): the returned architecture, its seed-mean error at the
 * table's last epoch and regret; the observed error at r_max and the best at any epoch follow. For
 * LLM searchers both carry the LLM counters, and the text says how LLM time counted (ignoring it
 * flatters LLAMBO, as the original study's plots did).
 */
import { describeYield } from '../core/llambo/proposalYield';
import { hasKnownPrice } from '../core/llm/priceTable';
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import type { StudyDelay } from '../core/events/studyEvents';
import { describeDelay } from '../core/study/resultFormat';
import type { StudySummary } from '../core/study/studyRunner';
import type { StudySpec } from '../core/study/studySpec';
import type { LlmSetup } from './llmFlags';
import { healthLine } from './llmHealthOutcome';

export interface StudyReportContext {
  readonly spec: StudySpec;
  readonly loadMs: number;
  readonly tablePath: string;
  readonly tableKind: string;
  readonly outDir?: string;
  readonly llm?: LlmSetup;
}

export function studyJson(summary: StudySummary, ctx: StudyReportContext): Record<string, unknown> {
  const { spec } = ctx;
  return {
    studyId: summary.studyId, searcher: summary.searcher, scheduler: summary.scheduler, seed: summary.seed,
    workers: spec.workers, budgetSeconds: spec.budgetSeconds, clock: spec.clock, decisionTime: spec.decisionTime.mode,
    ...(spec.decisionTime.secondsPerLlmCall !== undefined ? { secondsPerLlmCall: spec.decisionTime.secondsPerLlmCall } : {}),
    table: summary.table, tableKind: ctx.tableKind, tablePath: ctx.tablePath,
    trialsStarted: summary.trialsStarted, resultsReported: summary.resultsReported,
    headline: headlineJson(summary),
    // Kept for scripts written before the headline: best at any epoch, best single seed at r_max and its difference to the optimum.
    bestError: summary.bestError, bestErrorAtMax: summary.bestErrorAtMax,
    regret: summary.bestErrorAtMax === null ? null : summary.bestErrorAtMax - summary.optimumError,
    optimumError: summary.optimumError, incumbentArch: summary.incumbentArch,
    simulatedSeconds: summary.simulatedSeconds, stopReason: summary.stopReason,
    wallMs: round(summary.wallMs, 2), tableLoadMs: round(ctx.loadMs, 1), events: summary.eventCount,
    ...(summary.llm ? { llm: { ...summary.llm, costUsd: round(summary.llm.costUsd, 6) } } : {}),
    ...(summary.delay ? { delay: delayJson(summary.delay) } : {}),
    ...(ctx.llm ? { llmEndpoint: endpointJson(ctx.llm) } : {}),
    ...(ctx.outDir ? { out: ctx.outDir } : {}),
  };
}

/** `{arch, trialId, finalError, regret, observedErrorAtMax, bestAnyEpoch}` plus where the choice was made; null before any result. */
function headlineJson(summary: StudySummary): Record<string, unknown> | null {
  const h = summary.headline;
  if (!h) return null;
  return {
    arch: h.arch, trialId: h.trialId, finalError: h.finalError, regret: h.regret,
    observedErrorAtMax: h.observedErrorAtMax, observedEpoch: h.observedEpoch, reachedMaxEpoch: h.reachedMaxEpoch,
    bestAnyEpoch: h.bestAnyEpoch,
  };
}

/** Seconds to 0.01 s, the share to 6 digits: the figures, not float noise. */
function delayJson(delay: StudyDelay): Record<string, unknown> {
  return {
    mode: delay.mode, prefetch: delay.prefetch, llmSeconds: round(delay.llmSeconds, 2), chargedSeconds: round(delay.chargedSeconds, 2),
    idleWorkerSeconds: round(delay.idleWorkerSeconds, 2), idleShare: round(delay.idleShare, 6),
  };
}

function endpointJson(llm: LlmSetup): Record<string, unknown> {
  return {
    baseUrl: llm.baseUrl, model: llm.model, cacheMode: llm.cacheMode,
    ...(llm.cachePath !== undefined ? { cachePath: llm.cachePath } : {}),
    keyFrom: llm.keyFrom,
  };
}

export function studyText(summary: StudySummary, ctx: StudyReportContext): string[] {
  const { spec } = ctx;
  const err = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  const lines = [
    `Study ${summary.studyId}: ${summary.searcher} searcher, ${summary.scheduler} scheduler, ${spec.workers} workers, ` +
      `${formatHours(spec.budgetSeconds)} simulated, seed ${summary.seed}, clock ${spec.clock}, decision time ${spec.decisionTime.mode}`,
    `  trials started     ${summary.trialsStarted}`,
    `  results reported   ${summary.resultsReported}`,
    ...headlineText(summary, err),
    `  simulated time     ${(summary.simulatedSeconds / 3600).toFixed(2)} h  (stopped: ${summary.stopReason})`,
    `  wall time          ${summary.wallMs.toFixed(1)} ms  (table load ${ctx.loadMs.toFixed(0)} ms)`,
  ];
  if (summary.llm) lines.push(...llmLines(summary.llm, spec, ctx.llm));
  if (summary.delay) lines.push(`  LLM delay          ${describeDelay(summary.delay)}`);
  if (ctx.outDir) {
    const cache = ctx.llm?.cachePath !== undefined && ctx.llm.cachePath.startsWith(ctx.outDir) ? ', llm-cache.jsonl' : '';
    lines.push(`  saved              ${ctx.outDir} (study.json, events.jsonl${cache})`);
  }
  return lines;
}

/** The headline block: returned cell, its seed-mean error and regret first, the observed and any-epoch figures after. */
function headlineText(summary: StudySummary, err: (v: number | null) => string): string[] {
  const h = summary.headline;
  if (!h) return ['  result             none (no trial reported a result)'];
  const where = h.reachedMaxEpoch ? `best at r_max = ${h.observedEpoch}` : `best at epoch ${h.observedEpoch}, the highest rung reached`;
  const any = h.bestAnyEpoch;
  return [
    `  returned           trial ${h.trialId} ${h.arch}  (${where})`,
    `  error (seed mean)  ${err(h.finalError)} at the table's last epoch  (regret ${err(h.regret)} vs optimum ${summary.optimumError.toFixed(4)})`,
    `  observed @${String(h.observedEpoch).padEnd(9)}${err(h.observedErrorAtMax)}  (one seed)`,
    `  best any epoch     ${any ? `${err(any.error)}  (secondary: trial ${any.trialId} at epoch ${any.epoch})` : 'n/a'}`,
    `  error = ${ERROR_METRIC}`,
  ];
}

type LlmCounts = NonNullable<StudySummary['llm']>;

/** The LLM block of the readable summary. */
export function llmLines(llm: LlmCounts, spec: StudySpec, setup: LlmSetup | undefined): string[] {
  const perConfig = (v: number) => (llm.newConfigs > 0 ? (v / llm.newConfigs).toFixed(2) : 'n/a');
  const lines: string[] = [];
  if (setup) {
    const cache = setup.cacheMode === 'live' ? 'no reply cache' : `cache ${setup.cacheMode} ${setup.cachePath ?? ''}`.trimEnd();
    lines.push(`  LLM endpoint       ${setup.model} at ${setup.baseUrl}  (key: ${setup.keyFrom ?? 'none sent'}; ${cache})`);
  }
  lines.push(
    `  LLM requests       ${llm.requests}  (${perConfig(llm.requests)} per new config, ${llm.newConfigs} new configs; ` +
      `${llm.httpRequests} HTTP requests, ${llm.retries} retries, ${llm.failedCalls} failed)`,
    `  LLM tokens         ${llm.promptTokens} prompt + ${llm.completionTokens} completion  ` +
      `(${perConfig(llm.promptTokens + llm.completionTokens)} per new config)`,
    `  LLM cost           $${llm.costUsd.toFixed(4)}${costNote(spec)}`,
    `  cache hits         ${llm.cacheHits}`,
    `  parse failures     ${llm.parseFailures} requests with a reply not fully usable${droppedText(llm)}`,
    ...yieldLines(llm),
    `  fallbacks          ${llm.fallbacks} of ${llm.newConfigs} new configs came from mutation/random instead of the LLM`,
    `  LLM latency        ${latencyText(spec)}`,
    healthLine(llm.health),
  );
  for (const adaptation of llm.endpointAdaptations ?? []) lines.push(`  endpoint adapted   ${adaptation}`);
  return lines;
}

/** What became of the cells the LLM proposed. */
function yieldLines(llm: LlmCounts): string[] {
  return [`  proposal yield     ${describeYield(llm.proposalYield)}`];
}

/** Well-formed proposals the searcher refused, when the tally counts them. */
function droppedText(llm: LlmCounts): string {
  const dropped = (llm as { droppedCells?: unknown }).droppedCells;
  return typeof dropped === 'number' ? `; ${dropped} proposed cells dropped (seen, pending, duplicate or disconnected)` : '';
}

function costNote(spec: StudySpec): string {
  const llm = spec.llm;
  if (!llm) return '';
  const priced = hasKnownPrice(llm.model, llm.prices);
  const budget = llm.maxUsd === undefined ? 'no dollar budget' : `budget $${llm.maxUsd}`;
  return priced ? `  (${budget})` : `  (no price known for "${llm.model}": not counted; a local server costs nothing)`;
}

/** How the study's LLM time counted against the simulated budget. */
export function latencyText(spec: StudySpec): string {
  const { mode, secondsPerLlmCall } = spec.decisionTime;
  if (mode === 'measured') return 'measured: the recorded latency of each LLM batch was charged to the simulated clock';
  if (mode === 'modelled') {
    const parallel = spec.llm ? `, ${spec.llm.concurrency} requests at a time` : '';
    return `modelled: ${secondsPerLlmCall ?? 0} s per LLM request charged to the simulated clock${parallel}`;
  }
  return 'LLM time ignored: flatters LLAMBO (use --llm-latency-mode measured or modelled to charge it)';
}

export function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  return Number.isInteger(hours) ? `${hours} h` : `${hours.toFixed(2)} h`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
