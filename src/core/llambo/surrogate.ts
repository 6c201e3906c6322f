/**
 * LLM surrogate (DESIGN.md section 6, step 5). Discriminative: per prompt variant t, sample s and chunk
 * of at most `maxCandidatesPerRequest` candidates, one request asks for the error at level H of each
 * candidate; mean and std over the T*S predictions (std floored). Generative: the same layout asks
 * whether each candidate is in the top gamma fraction and reads p(top) from token log-probabilities.
 * A candidate missing most of its predictions is imputed (shrunk to the pool) and flagged.
 */
import type { Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { errorAt, type CellRecord, type LevelStats } from './cellHistory';
import { candidateLine, formatError } from './cellText';
import { renderCurveHistory, renderLabelledHistory, type HistoryBlock } from './historyRendering';
import type { ChatMessage } from './llmChat';
import type { CallOutcome, CallSpec } from './llmCallRecorder';
import { stageSeconds } from './llmCallRecorder';
import { promptBudgetOf, type TokenBudget } from './promptBudget';
import { labelsOutput, predictionsOutput } from './replySchemas';
import { parseLabelsReply, parsePredictionsReply } from './predictionReplyParser';
import { splitEvenly, type StageDeps } from './candidateSampler';
import { labelProbabilities, tokensOfChoice } from './tokenLogprobs';

export interface SurrogateInput {
  readonly candidates: readonly Cell[];
  readonly stats: LevelStats;
  readonly records: readonly CellRecord[];
  readonly rng: SeededRandom;
}

export interface CandidatePrediction {
  /** Predicted error at H (generative: 1 - p(top), for ordering only). */
  readonly mean: number;
  readonly std: number;
  /** Predictions received (of T*S). */
  readonly samples: number;
  readonly imputed: boolean;
  readonly callIds: string[];
  /** Generative surrogate only. */
  readonly pTop?: number;
}

export interface SurrogateResult {
  readonly predictions: CandidatePrediction[];
  readonly seconds: number;
  readonly calls: number;
  readonly failedCalls: number;
  readonly imputedCount: number;
}

/** Top-gamma threshold: the error at H of the ceil(gamma * n)-th best cell. */
export function topGammaThreshold(records: readonly CellRecord[], level: number, gamma: number): number {
  const errors: number[] = [];
  for (const r of records) {
    const e = errorAt(r, level);
    if (e !== undefined) errors.push(e);
  }
  errors.sort((a, b) => a - b);
  return errors[Math.max(0, Math.ceil(gamma * errors.length) - 1)] ?? Infinity;
}

export async function predictCandidates(deps: StageDeps, input: SurrogateInput): Promise<SurrogateResult> {
  const { options } = deps;
  const generative = options.surrogate === 'generative';
  const n = input.candidates.length;
  const ids = input.candidates.map((_, i) => `c${i + 1}`);
  const requestsPerVariant = options.samplesAsChoices ? 1 : options.surrogateSamples;
  const threshold = generative ? topGammaThreshold(input.records, input.stats.level, options.gamma) : NaN;
  const budget = promptBudgetOf(options);
  const lines = input.candidates.map((cell, i) => candidateLine(ids[i], cell));
  // The chunk size follows from the window; the history then gets what the largest chunk leaves.
  const bare = surrogateMessages(deps, input, { text: '', shownCount: 0, totalCount: input.records.length }, '', 0, threshold);
  const perRequest = budget.candidatesPerRequest(bare, lines, options.surrogateMaxTokens, REPLY_TOKENS_PER_CANDIDATE, options.maxCandidatesPerRequest);
  const chunkSizes = splitEvenly(n, Math.ceil(n / perRequest));
  const largest = chunkSizes[0] ?? 0;
  const renderHistory = (historyBudget: TokenBudget, shuffle?: SeededRandom) => generative
    ? renderLabelledHistory(input.records, input.stats.level, threshold, historyBudget, shuffle)
    : renderCurveHistory(input.records, input.stats.level, deps.rungLevels, historyBudget, shuffle);
  const historyBudget = budget.fitBlock(replyTokens(options, largest), renderHistory,
    (history) => surrogateMessages(deps, input, history, lines.slice(0, largest).join('\n'), largest, threshold));
  const specs: { spec: CallSpec; start: number; size: number }[] = [];
  for (let t = 0; t < options.templates; t++) {
    for (let s = 0; s < requestsPerVariant; s++) {
      const rng = input.rng.derive(`surrogate/${t}/${s}`);
      const history = renderHistory(historyBudget, rng);
      let start = 0;
      for (const size of chunkSizes) {
        const seed = rng.nextUint32() & 0x7fffffff;
        specs.push({ spec: surrogateSpec(deps, input, history, lines, ids, start, size, t, seed, threshold), start, size });
        start += size;
      }
    }
  }
  const outcomes = await deps.recorder.run(specs.map((s) => s.spec));
  const values: number[][] = Array.from({ length: n }, () => []);
  const callIds: string[][] = Array.from({ length: n }, () => []);
  outcomes.forEach((outcome, i) => {
    const { start, size } = specs[i];
    const chunkIds = ids.slice(start, start + size);
    const got = generative ? readLabels(outcome, chunkIds, deps) : readPredictions(outcome, chunkIds, deps);
    for (const [id, value] of got) {
      const index = Number(id.slice(1)) - 1;
      values[index].push(value);
      if (!callIds[index].includes(outcome.callId)) callIds[index].push(outcome.callId);
    }
  });
  const total = options.templates * options.surrogateSamples;
  const predictions = generative ? aggregateLabels(values, callIds, total, options.gamma) : aggregateErrors(values, callIds, total, input.stats, options);
  return {
    predictions,
    seconds: stageSeconds(outcomes, options.timingConcurrency),
    calls: outcomes.length,
    failedCalls: outcomes.filter((o) => !o.result).length,
    imputedCount: predictions.filter((p) => p.imputed).length,
  };
}

/** Reply tokens a surrogate request allows per candidate (one JSON entry is about 15). */
const REPLY_TOKENS_PER_CANDIDATE = 25;

function replyTokens(options: StageDeps['options'], candidates: number): number {
  return Math.max(options.surrogateMaxTokens, candidates * REPLY_TOKENS_PER_CANDIDATE);
}

function surrogateMessages(deps: StageDeps, input: SurrogateInput, history: HistoryBlock, candidates: string, size: number, threshold: number): ChatMessage[] {
  const { options } = deps;
  const stats = input.stats;
  return options.surrogate === 'generative'
    ? deps.prompts.messages('surrogate-generative', {
      history: history.text, shownCount: history.shownCount, totalCount: history.totalCount, level: stats.level,
      gammaPercent: Math.round(options.gamma * 100), threshold: formatError(threshold), candidates, candidateCount: size,
    })
    : deps.prompts.messages('surrogate', {
      history: history.text, shownCount: history.shownCount, totalCount: history.totalCount, level: stats.level,
      levelCount: stats.count, best: formatError(stats.best), worst: formatError(stats.worst), candidates, candidateCount: size,
    });
}

function surrogateSpec(
  deps: StageDeps, input: SurrogateInput, history: HistoryBlock, lines: readonly string[], ids: readonly string[],
  start: number, size: number, variant: number, seed: number, threshold: number,
): CallSpec {
  const { options } = deps;
  const generative = options.surrogate === 'generative';
  const chunkIds = ids.slice(start, start + size);
  return {
    component: 'surrogate',
    template: `${generative ? 'surrogate-generative' : 'surrogate'}#${variant}`,
    messages: surrogateMessages(deps, input, history, lines.slice(start, start + size).join('\n'), size, threshold),
    params: {
      temperature: options.surrogateTemperature,
      topP: options.topP,
      maxTokens: replyTokens(options, size),
      seed,
      ...(options.samplesAsChoices && options.surrogateSamples > 1 ? { n: options.surrogateSamples } : {}),
      structuredOutput: generative ? labelsOutput(chunkIds) : predictionsOutput(chunkIds),
      ...(generative ? { logprobs: true, topLogprobs: 5 } : {}),
    },
  };
}

function readPredictions(outcome: CallOutcome, ids: readonly string[], deps: StageDeps): [string, number][] {
  if (!outcome.result) {
    deps.recorder.record(outcome);
    return [];
  }
  const got: [string, number][] = [];
  const failures: string[] = [];
  const perChoice = outcome.result.texts.map((text) => {
    const parsed = parsePredictionsReply(text, ids);
    got.push(...parsed.values);
    failures.push(...parsed.rejected.map((r) => `${r.text}: ${r.reason}`), ...parsed.notes.filter((n) => n.startsWith('missing') || n.startsWith('no ') || n === 'empty reply' || n.includes('ignored')));
    return { predictions: Object.fromEntries(parsed.values), notes: parsed.notes };
  });
  deps.recorder.record(outcome, { parsed: perChoice.length === 1 ? perChoice[0] : perChoice, parseFailures: failures });
  return got;
}

function readLabels(outcome: CallOutcome, ids: readonly string[], deps: StageDeps): [string, number][] {
  if (!outcome.result) {
    deps.recorder.record(outcome);
    return [];
  }
  const got: [string, number][] = [];
  const failures: string[] = [];
  const result = outcome.result;
  const perChoice = result.texts.map((text, choice) => {
    const parsed = parseLabelsReply(text, ids);
    const tokens = tokensOfChoice(result.logprobs, choice);
    const probabilities = tokens ? labelProbabilities(tokens, text, parsed.positions) : new Map<string, number>();
    const notes = parsed.notes.slice();
    if (!tokens && parsed.labels.size > 0) notes.push('no token log-probabilities: hard 0/1 labels used');
    const pTop: Record<string, number> = {};
    for (const [id, label] of parsed.labels) {
      const p = probabilities.get(id) ?? label;
      pTop[id] = p;
      got.push([id, p]);
    }
    failures.push(...parsed.rejected.map((r) => `${r.text}: ${r.reason}`), ...notes.filter((n) => n.startsWith('missing') || n === 'empty reply'));
    return { labels: Object.fromEntries(parsed.labels), pTop, notes };
  });
  deps.recorder.record(outcome, { parsed: perChoice.length === 1 ? perChoice[0] : perChoice, parseFailures: failures });
  return got;
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sdOf(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / xs.length);
}

function aggregateErrors(values: number[][], callIds: string[][], total: number, stats: LevelStats, options: StageDeps['options']): CandidatePrediction[] {
  const floor = Math.max(options.stdFloorMin, options.stdFloorFraction * stats.range);
  const informed = values.filter((v) => v.length * 2 >= total).map(meanOf);
  const poolMean = informed.length > 0 ? meanOf(informed) : stats.best + stats.range / 2;
  const poolStd = Math.max(floor, informed.length > 1 ? sdOf(informed) : stats.range / 2);
  return values.map((v, i) => {
    if (v.length * 2 >= total) return { mean: meanOf(v), std: Math.max(floor, sdOf(v)), samples: v.length, imputed: false, callIds: callIds[i] };
    const sum = v.reduce((a, b) => a + b, 0);
    return { mean: (sum + poolMean * (total - v.length)) / total, std: Math.max(poolStd, sdOf(v)), samples: v.length, imputed: true, callIds: callIds[i] };
  });
}

function aggregateLabels(values: number[][], callIds: string[][], total: number, gamma: number): CandidatePrediction[] {
  return values.map((v, i) => {
    const imputed = v.length * 2 < total;
    const pTop = imputed ? (v.reduce((a, b) => a + b, 0) + gamma * (total - v.length)) / total : meanOf(v);
    return { mean: 1 - pTop, std: sdOf(v), samples: v.length, imputed, callIds: callIds[i], pTop };
  });
}
