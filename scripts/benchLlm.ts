/**
 * LLM part of `npm run bench` (run by scripts/bench.mjs as `node --import tsx scripts/benchLlm.ts`).
 *
 * LLAMBO runs a 5 h / 4-worker synchronous Hyperband study on the bundled table through the REAL
 * LlmClient over HTTP, against a scripted test double of an OpenAI-compatible server on 127.0.0.1
 * (test/support/fakeLlmServer). The double is not an LLM: the "oracle" reads the table, the "noise"
 * responder answers at random, the "narrow" one re-proposes a few favourite strong cells the way real
 * chat models tend to (test/support/narrowPriorResponder). What this measures is the searcher's LLM traffic (requests and tokens
 * per new config), the proposal yield (cells proposed, accepted, refused by reason; and the share refused
 * as already taken in bracket 0, where the most requests run concurrently) and how its per-rung batching
 * hides latency, not the quality of any model.
 *
 * The "realistic" section runs the same study against a realistic TEST DOUBLE (test/support/
 * realisticResponder): the oracle's answers plus a narrow prior that keeps re-proposing well-known strong
 * cells, written in the drifting forms genuine replies take. It reports the proposal yield, the
 * duplicate share of the first (bracket-0) sampler stage, prompt tokens counted with gpt-tokenizer
 * against an 8,192-token local-server window, and requests per new config.
 *
 * The "delay" section (test/support/prefetchTrial, shared with test/stats/llamboPrefetch.test.ts) runs the
 * study in-process with the oracle double and 10 modelled seconds per request at concurrency 4, each seed
 * with and without prefetch: idle worker-seconds waiting for configs, LLM seconds charged and hidden, and
 * the error, with one-sided rank-sum tests (simulated clock, so the figures do not depend on the machine).
 *
 * Flags: --json (one JSON line), --llm-seeds N (default 3), --no-latency (skip the ~1 min latency run),
 * --delay-seeds N (default 10), --no-delay (skip the prefetch measurement, ~1 min).
 */
import { costOf, DEFAULT_PRICES } from '../src/core/llm/priceTable';
import type { TableBenchmark } from '../src/core/benchmark/tableLoader';
import { loadTable } from '../src/core/benchmark/tableLoader';
import { defaultTablePath } from '../src/core/benchmark/tablePaths';
import type { StudyEvent } from '../src/core/events/studyEvents';
import { addYield, describeYield, duplicateShare, emptyYield, yieldFromParsed, type ProposalYield } from '../src/core/llambo/proposalYield';
import type { Cell } from '../src/core/nb201/searchSpace';
import { runStudy, type StudySummary } from '../src/core/study/studyRunner';
import type { StudySpecInput } from '../src/core/study/studySpec';
import { encode } from 'gpt-tokenizer';
import { FakeLlmServer, type FakeResponder } from '../test/support/fakeLlmServer';
import { median } from '../test/support/llamboStudyHarness';
import { noiseReplier, oracleReplier, serverResponder, type OracleSpec, type Replier } from '../test/support/llmResponders';
import { narrowPriorOracleResponder, NARROW_PRIOR_SHARE } from '../test/support/realisticResponder';
import { measureRealisticRun, runRealisticStudy, share, totalMeasures } from '../test/support/realisticStudy';
import { narrowPriorReplier } from '../test/support/narrowPriorResponder';
import { describePrefetch, measurePrefetch } from '../test/support/prefetchTrial';

const GOOD_CELLS = 2500;
const LATENCY_MS = 800;
const CONCURRENCY = 4;
const TARGET_REQUESTS_PER_CONFIG = 1;
const PYTHON_REQUESTS_PER_CONFIG = 40;
const PRICE_MODEL = 'gpt-4o-mini';
/** Context window assumed for local OpenAI-compatible servers (issue 9's default guess for them). */
const LOCAL_CONTEXT_WINDOW = 8192;

/** Oracle over the table: truth = seed-mean error at the asked level; proposals from the best cells by final error. */
function tableOracle(benchmark: TableBenchmark): OracleSpec {
  const truth = (cell: Cell, level: number) => {
    const index = benchmark.indexOf(cell);
    let sum = 0;
    for (let seed = 0; seed < benchmark.numSeeds; seed++) sum += benchmark.validError(index, seed, level);
    return sum / benchmark.numSeeds;
  };
  const order = Array.from({ length: 15625 }, (_, i) => i).sort((a, b) => benchmark.finalErrorMean(a) - benchmark.finalErrorMean(b));
  return { truth, goodCells: order.slice(0, GOOD_CELLS).map((i) => benchmark.cellAt(i)), defaultLevel: benchmark.maxEpoch };
}

/** The double reports usage as characters / 4 (it has no tokenizer), and optionally waits before replying. */
function httpResponder(replier: Replier, delayMs = 0): FakeResponder {
  const inner = serverResponder(replier);
  return async (body, index, request) => {
    const reply = await inner(body, index, request);
    const json = reply.json as { choices: { message: { content: string } }[]; usage: unknown };
    const messages: { content?: unknown }[] = Array.isArray(body?.messages) ? body.messages : [];
    const prompt = Math.ceil(messages.reduce((a, m) => a + String(m.content ?? '').length, 0) / 4);
    const completion = Math.ceil(json.choices.reduce((a, c) => a + c.message.content.length, 0) / 4);
    json.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 } };
    return delayMs > 0 ? { ...reply, delayMs } : reply;
  };
}

/**
 * The yield of the proposal calls made while bracket 0 fills (before the first trial of another
 * bracket starts): bracket 0 asks for the most new cells at once, so its concurrent requests overlap most.
 */
class BracketZeroYield {
  readonly yield = emptyYield();
  private done = false;

  readonly sink = (event: StudyEvent): void => {
    if (this.done) return;
    if (event.type === 'trialStarted' && event.bracket !== 0) this.done = true;
    else if (event.type === 'llmCall' && (event.component === 'sampler' || event.component === 'repair')) {
      const part = yieldFromParsed(event.parsed);
      if (part) addYield(this.yield, part);
    }
  };
}

interface LlmRun {
  readonly summary: StudySummary;
  readonly bracketZero: ProposalYield;
  readonly serverRequests: number;
  readonly maxInFlight: number;
  readonly realSeconds: number;
}

async function runOverHttp(benchmark: TableBenchmark, responder: FakeResponder, spec: StudySpecInput): Promise<LlmRun> {
  const server = await new FakeLlmServer(responder).start();
  try {
    const started = performance.now();
    const bracketZero = new BracketZeroYield();
    const summary = await runStudy({
      searcher: 'llambo', scheduler: 'sync-hyperband', workers: 4, hours: 5, ...spec,
      searcherOptions: { timingConcurrency: CONCURRENCY, ...spec.searcherOptions },
      llm: { baseUrl: server.baseUrl, model: 'bench-test-double', concurrency: CONCURRENCY },
    }, { benchmark, llm: {}, sinks: [bracketZero.sink] });
    return {
      summary, bracketZero: bracketZero.yield, serverRequests: server.requests.length, maxInFlight: server.stats.maxInFlight,
      realSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await server.close();
  }
}

interface TrafficReport {
  readonly responder: string;
  readonly seeds: number;
  readonly requests: number;
  readonly newConfigs: number;
  readonly requestsPerNewConfig: number;
  readonly minRequestsPerNewConfig: number;
  readonly maxRequestsPerNewConfig: number;
  readonly promptTokensPerNewConfig: number;
  readonly completionTokensPerNewConfig: number;
  readonly gpt4oMiniUsdPerStudy: number;
  readonly parseFailures: number;
  readonly fallbacks: number;
  readonly meanBestErrorAtMax: number | null;
  readonly withinTarget: boolean;
  /** Summed over the seeds. */
  readonly proposalYield: ProposalYield;
  /** Share of bracket 0's proposed cells refused as evaluated, pending, duplicate or isomorphic, over all seeds. */
  readonly bracketZeroDuplicateShare: number;
  readonly bracketZeroDuplicateShareMin: number;
  readonly bracketZeroDuplicateShareMax: number;
}

async function traffic(benchmark: TableBenchmark, name: string, replier: Replier, seeds: number): Promise<TrafficReport> {
  let requests = 0, configs = 0, prompt = 0, completion = 0, parseFailures = 0, fallbacks = 0, bestSum = 0, bestN = 0;
  const ratios: number[] = [];
  const proposals = emptyYield(), bracketZero = emptyYield();
  const shares: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const { summary, serverRequests, bracketZero: zero } = await runOverHttp(benchmark, httpResponder(replier), { seed, studyId: `bench-llm-${name}-s${seed}` });
    const llm = summary.llm!;
    if (serverRequests !== llm.httpRequests) throw new Error(`server saw ${serverRequests} requests, the client counted ${llm.httpRequests}`);
    requests += llm.requests; configs += llm.newConfigs; prompt += llm.promptTokens; completion += llm.completionTokens;
    parseFailures += llm.parseFailures; fallbacks += llm.fallbacks;
    ratios.push(llm.requests / Math.max(1, llm.newConfigs));
    addYield(proposals, llm.proposalYield);
    addYield(bracketZero, zero);
    shares.push(duplicateShare(zero));
    if (summary.bestErrorAtMax !== null) { bestSum += summary.bestErrorAtMax; bestN++; }
  }
  const perConfig = requests / Math.max(1, configs);
  const usd = costOf({ promptTokens: prompt / seeds, completionTokens: completion / seeds, cachedTokens: 0 }, DEFAULT_PRICES[PRICE_MODEL]);
  return {
    responder: name, seeds, requests, newConfigs: configs,
    requestsPerNewConfig: r3(perConfig), minRequestsPerNewConfig: r3(Math.min(...ratios)), maxRequestsPerNewConfig: r3(Math.max(...ratios)),
    promptTokensPerNewConfig: Math.round(prompt / Math.max(1, configs)), completionTokensPerNewConfig: Math.round(completion / Math.max(1, configs)),
    gpt4oMiniUsdPerStudy: r3(usd), parseFailures, fallbacks,
    meanBestErrorAtMax: bestN > 0 ? r3(bestSum / bestN, 4) : null,
    withinTarget: perConfig <= TARGET_REQUESTS_PER_CONFIG,
    proposalYield: proposals,
    bracketZeroDuplicateShare: r3(duplicateShare(bracketZero)),
    bracketZeroDuplicateShareMin: r3(Math.min(...shares)), bracketZeroDuplicateShareMax: r3(Math.max(...shares)),
  };
}

interface LatencyReport {
  readonly latencySeconds: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly newConfigs: number;
  readonly wallSeconds: number;
  readonly wallSecondsPerNewConfig: number;
  /** The same requests one after another: requests x latency. */
  readonly sequentialSeconds: number;
  readonly maxInFlight: number;
}

async function latency(benchmark: TableBenchmark, replier: Replier): Promise<LatencyReport> {
  const run = await runOverHttp(benchmark, httpResponder(replier, LATENCY_MS), { seed: 0, studyId: 'bench-llm-latency' });
  const llm = run.summary.llm!;
  return {
    latencySeconds: LATENCY_MS / 1000, concurrency: CONCURRENCY, requests: llm.requests, newConfigs: llm.newConfigs,
    wallSeconds: r3(run.realSeconds, 1), wallSecondsPerNewConfig: r3(run.realSeconds / Math.max(1, llm.newConfigs)),
    sequentialSeconds: r3(llm.requests * LATENCY_MS / 1000, 1), maxInFlight: run.maxInFlight,
  };
}

/** Simulated cost of LLM time: the same study with 0.8 s per request charged to the clock (modelled). */
async function modelled(benchmark: TableBenchmark, replier: Replier) {
  const ignore = await runOverHttp(benchmark, httpResponder(replier), { seed: 0, studyId: 'bench-llm-ignore' });
  const charged = await runOverHttp(benchmark, httpResponder(replier), {
    seed: 0, studyId: 'bench-llm-modelled', decisionTime: { mode: 'modelled', secondsPerLlmCall: LATENCY_MS / 1000 },
  });
  return {
    secondsPerLlmCall: LATENCY_MS / 1000,
    trialsIgnored: ignore.summary.trialsStarted, trialsModelled: charged.summary.trialsStarted,
    bestErrorAtMaxIgnored: ignore.summary.bestErrorAtMax, bestErrorAtMaxModelled: charged.summary.bestErrorAtMax,
  };
}

interface RealisticReport {
  readonly seeds: number;
  readonly narrowPriorShare: number;
  readonly proposed: number;
  readonly read: number;
  readonly accepted: number;
  readonly refused: Record<string, number>;
  /** First sampler stage (the concurrent requests of bracket 0's first batch): duplicates among its proposals. */
  readonly bracket0Requests: number;
  readonly bracket0Proposed: number;
  readonly bracket0Duplicates: number;
  readonly bracket0DuplicateShare: number;
  readonly bracket0IsBracketZero: boolean;
  readonly promptTokensMedian: number;
  readonly promptTokensMax: number;
  readonly promptsOverWindow: number;
  readonly prompts: number;
  readonly contextWindow: number;
  readonly requestsPerNewConfig: number;
  readonly notProposedShare: number;
  readonly fallbackShare: number;
}

/** Prompt tokens of every request, counted with gpt-tokenizer over the message contents (no chat-format overhead). */
function promptTokenCounts(events: readonly StudyEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'llmCall' ? [e.messages.reduce((sum, m) => sum + encode(m.content).length, 0)] : []));
}

async function realistic(benchmark: TableBenchmark, seeds: number): Promise<RealisticReport> {
  const measures = [];
  const tokens: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const responder = narrowPriorOracleResponder(tableOracle(benchmark));
    const run = await runRealisticStudy(benchmark, responder, seed, `bench-llm-realistic-s${seed}`);
    measures.push(measureRealisticRun(run, responder));
    tokens.push(...promptTokenCounts(run.events));
  }
  const t = totalMeasures(measures);
  return {
    seeds, narrowPriorShare: NARROW_PRIOR_SHARE,
    proposed: t.yield.proposed, read: t.yield.read, accepted: t.yield.accepted, refused: t.yield.refused,
    bracket0Requests: t.firstStage.requests, bracket0Proposed: t.firstStage.proposed,
    bracket0Duplicates: t.firstStage.proposed - t.firstStage.distinct,
    bracket0DuplicateShare: r3(share(t.firstStage.proposed - t.firstStage.distinct, t.firstStage.proposed)),
    bracket0IsBracketZero: measures.every((m) => m.firstStage.bracket === 0),
    promptTokensMedian: median(tokens), promptTokensMax: Math.max(...tokens),
    promptsOverWindow: tokens.filter((n) => n > LOCAL_CONTEXT_WINDOW).length, prompts: tokens.length, contextWindow: LOCAL_CONTEXT_WINDOW,
    requestsPerNewConfig: r3(share(t.requests, t.newConfigs)),
    notProposedShare: r3(share(t.notProposed, t.llmTrials)), fallbackShare: r3(share(t.fallbacks, t.newConfigs)),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const seedsAt = args.indexOf('--llm-seeds');
  const seeds = seedsAt >= 0 ? Math.max(1, Number.parseInt(args[seedsAt + 1] ?? '3', 10) || 3) : 3;
  const benchmark = loadTable(defaultTablePath());
  const oracle = oracleReplier(tableOracle(benchmark));

  const oracleTraffic = await traffic(benchmark, 'oracle', oracle, seeds);
  const noiseTraffic = await traffic(benchmark, 'noise', noiseReplier, seeds);
  const narrowTraffic = await traffic(benchmark, 'narrow', narrowPriorReplier(), Math.max(seeds, 5));
  const timing = args.includes('--no-latency') ? null : await latency(benchmark, oracle);
  const clock = await modelled(benchmark, oracle);
  const drift = await realistic(benchmark, seeds);
  const delaySeedsAt = args.indexOf('--delay-seeds');
  const delaySeeds = delaySeedsAt >= 0 ? Math.max(1, Number.parseInt(args[delaySeedsAt + 1] ?? '10', 10) || 10) : 10;
  const delay = args.includes('--no-delay') ? null : await measurePrefetch(benchmark, Array.from({ length: delaySeeds }, (_, i) => i));
  const report = {
    table: benchmark.info.label, testDouble: true, oracle: oracleTraffic, noise: noiseTraffic, narrow: narrowTraffic,
    latency: timing, modelled: clock, realistic: drift, delay,
  };
  if (json) { console.log(JSON.stringify(report)); return; }

  const ok = (pass: boolean) => (pass ? 'ok' : 'OVER TARGET');
  console.log('');
  console.log('LLM traffic of LLAMBO (5 h / 4-worker sync-hyperband on the bundled table, seeds 0-' + (seeds - 1) + ').');
  console.log('  Replies come from a scripted TEST DOUBLE of an OpenAI-compatible server on 127.0.0.1, reached through the');
  console.log('  real LlmClient over HTTP. It is not an LLM; tokens are the double\'s characters/4 estimate.');
  for (const t of [oracleTraffic, noiseTraffic, narrowTraffic]) {
    console.log(`  ${t.responder.padEnd(6)} responder: ${t.requestsPerNewConfig} LLM requests per new config ` +
      `(${t.requests} requests / ${t.newConfigs} new configs; per seed ${t.minRequestsPerNewConfig}-${t.maxRequestsPerNewConfig})  ` +
      `target <= ${TARGET_REQUESTS_PER_CONFIG}: ${ok(t.withinTarget)}  (the Python original: about ${PYTHON_REQUESTS_PER_CONFIG})`);
    console.log(`    ${t.responder}: tokens per new config ${t.promptTokensPerNewConfig} prompt + ${t.completionTokensPerNewConfig} completion; ` +
      `~$${t.gpt4oMiniUsdPerStudy} per study at ${PRICE_MODEL} list prices; parse failures ${t.parseFailures}, fallbacks ${t.fallbacks}; ` +
      `mean best error @200 ${t.meanBestErrorAtMax ?? 'n/a'}`);
    console.log(`    ${t.responder}: proposal yield ${describeYield(t.proposalYield)}; bracket 0: ${pct(t.bracketZeroDuplicateShare)} of proposed cells ` +
      `refused as already taken (per seed ${pct(t.bracketZeroDuplicateShareMin)}-${pct(t.bracketZeroDuplicateShareMax)}, ${t.seeds} seeds)`);
  }
  if (timing) {
    console.log(`LLM latency hidden by batching (oracle double answering each request after ${timing.latencySeconds} s, client concurrency ${timing.concurrency}, seed 0):`);
    console.log(`  ${timing.requests} requests, real wall time ${timing.wallSeconds} s for the whole study = ${timing.wallSecondsPerNewConfig} s per new config ` +
      `(${timing.newConfigs} new configs; the same requests one by one: ${timing.sequentialSeconds} s; at most ${timing.maxInFlight} in flight)`);
    console.log(`  For scale: ${PYTHON_REQUESTS_PER_CONFIG} sequential requests per new config at ${timing.latencySeconds} s would be ` +
      `${r3(PYTHON_REQUESTS_PER_CONFIG * timing.latencySeconds, 1)} s per new config.`);
  } else {
    console.log('LLM latency run skipped (--no-latency).');
  }
  console.log(`Modelled decision time (${clock.secondsPerLlmCall} s per LLM request charged to the simulated clock, ${CONCURRENCY} at a time, seed 0): ` +
    `${clock.trialsModelled} trials started vs ${clock.trialsIgnored} with LLM time ignored; best error @200 ${clock.bestErrorAtMaxModelled} vs ${clock.bestErrorAtMaxIgnored}.`);
  printRealistic(drift);
  if (delay) for (const line of describePrefetch(delay)) console.log(line);
  else console.log('LLM delay / prefetch measurement skipped (--no-delay).');
}

function printRealistic(d: RealisticReport): void {
  const refused = Object.entries(d.refused).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  console.log(`Realistic TEST DOUBLE (not an LLM: the oracle's answers, ${Math.round(100 * d.narrowPriorShare)}% of each proposal from a narrow prior of ` +
    `well-known cells, written in drifting reply forms; same study, seeds 0-${d.seeds - 1}):`);
  console.log(`  proposal yield: ${d.proposed} cells proposed, ${d.read} read, ${d.accepted} accepted; refused: ${refused}`);
  console.log(`  bracket-0 duplicate share: ${d.bracket0Duplicates} of ${d.bracket0Proposed} ` +
    `proposals of the first sampler stage (${d.bracket0Requests / d.seeds} concurrent requests per seed${d.bracket0IsBracketZero ? ', bracket 0' : ', NOT all in bracket 0'}) ` +
    `were duplicates = ${(100 * d.bracket0DuplicateShare).toFixed(1)}%`);
  console.log(`  prompt tokens (gpt-tokenizer, message contents): median ${d.promptTokensMedian}, max ${d.promptTokensMax}; ` +
    `${d.promptsOverWindow} of ${d.prompts} prompts over a ${d.contextWindow}-token local-server window`);
  console.log(`  ${d.requestsPerNewConfig} LLM requests per new config (target <= ${TARGET_REQUESTS_PER_CONFIG}: ${d.requestsPerNewConfig <= TARGET_REQUESTS_PER_CONFIG ? 'ok' : 'OVER TARGET'}); ` +
    `LLM trials not training a proposed cell ${(100 * d.notProposedShare).toFixed(1)}%, fallbacks ${(100 * d.fallbackShare).toFixed(1)}% of new trials`);
}

function pct(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

function r3(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch((error: unknown) => {
  console.error(`benchLlm: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});
