/**
 * The LLM flags of `study` and `compare` (endpoint, limits, reply cache, how LLM time counts, LLAMBO
 * settings) and their translation into the spec's `llm`, `decisionTime` and `searcherOptions`. The key
 * is never a flag: it comes from OPENAI_API_KEY and goes to the client only (RunStudyOptions.llm).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DECISION_TIME_MODES, REPLY_CACHE_MODES, type SearcherName } from '../core/study/studySpec';
import { isLlmSearcher, LLM_SEARCHERS_TEXT } from '../core/searchers/llmSearchers';
import type { StudyLlmAccess } from '../core/study/studyLlmClient';
import { RESPONSE_FORMAT_MODES } from '../core/llm/llmTypes';
import { redactUrlCredentials } from '../core/llm/secretRedactor';
import { LOCAL_CONTEXT_WINDOW_GUESS } from '../core/llm/contextWindow';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { choiceFlag, rangedFlag, stringFlag, UsageError, type FlagValues, type OptionSpecs } from './cliArgs';
import { apiKeyFromEnv, API_KEY_ENV, baseUrlFromEnv, isOpenAiUrl, modelFromEnv, MODEL_ENV, OPENAI_BASE_URL, OPENAI_DEFAULT_MODEL } from './llmEndpoint';

export const CONTEXT_LEVELS = ['none', 'partial', 'full'] as const;
/** Dollar budget per study unless --max-llm-usd says otherwise (as the extension's default). */
export const DEFAULT_MAX_USD = 1;
/** File name of the reply cache kept in the --out folder. */
export const OUT_CACHE_FILE = 'llm-cache.jsonl';

export const LLM_FLAGS: OptionSpecs = {
  'llm-base-url': { type: 'string' },
  model: { type: 'string' },
  'llm-cache': { type: 'string' },
  'llm-cache-mode': { type: 'string' },
  'llm-latency-mode': { type: 'string' },
  'llm-seconds-per-call': { type: 'string' },
  'no-prefetch': { type: 'boolean' },
  'max-llm-usd': { type: 'string' },
  'max-llm-requests': { type: 'string' },
  'llm-concurrency': { type: 'string' },
  'llm-rpm': { type: 'string' },
  'llm-tpm': { type: 'string' },
  'llm-timeout-ms': { type: 'string' },
  'llm-response-format': { type: 'string' },
  'llm-context-window': { type: 'string' },
  context: { type: 'string' },
  'n-init': { type: 'string' },
  prompts: { type: 'string' },
};

/** Flags that name an endpoint: giving one means "use the LLM" even without --searcher. */
export const ENDPOINT_FLAGS = ['llm-base-url', 'model'] as const;

export const LLM_FLAGS_HELP = `LLM (searchers llambo and NAME+warm; the key is read from ${API_KEY_ENV} only, never a flag):
  --llm-base-url URL       OpenAI-compatible endpoint (default $LLAMBO_BASE_URL, else ${OPENAI_BASE_URL}),
                           e.g. http://127.0.0.1:11434/v1 (Ollama), :1234/v1 (LM Studio), :8000/v1 (vLLM)
  --model NAME             model (default $${MODEL_ENV}; ${OPENAI_DEFAULT_MODEL} on OpenAI; required elsewhere)
  --llm-cache PATH         JSONL reply cache (default with --out and a cache mode: DIR/${OUT_CACHE_FILE})
  --llm-cache-mode MODE    live | record | replay-strict | replay-or-live (default live; replay-or-live
                           when --llm-cache is given). replay-strict: a miss is an error, no key needed
  --llm-latency-mode MODE  ignore (default; flatters LLAMBO) | measured (recorded latency on the
                           simulated clock, as Syne Tune) | modelled (--llm-seconds-per-call per request)
  --llm-seconds-per-call X simulated seconds per LLM request, required with --llm-latency-mode modelled
  --no-prefetch            measured/modelled: LLAMBO makes each batch only when a worker asks (default: it
                           prepares the next bracket's batch while the current one trains; only real waits are charged)
  --max-llm-usd X          dollar budget per study (default ${DEFAULT_MAX_USD}; 0 = no limit); then LLAMBO falls back
  --max-llm-requests N     request budget per study
  --llm-concurrency N      requests in flight (default 4)   --llm-rpm N / --llm-tpm N   rate limits
  --llm-timeout-ms N       per-request timeout (default 60000)
  --llm-response-format F  auto (default: JSON schema, then JSON mode, then text as the endpoint refuses,
                           remembered for the study) | json_schema | json_object | text
  --llm-context-window N   the model's context window in tokens; prompts are shortened to fit it
                           (default: the model's window on OpenAI/Azure; ${LOCAL_CONTEXT_WINDOW_GUESS} elsewhere, a guess:
                           give the server's real value, e.g. Ollama num_ctx, vLLM --max-model-len)
  --context LEVEL          prompt context: none | partial | full (default full)
  --n-init N               warm-start cells asked of the LLM (default 8)
  --prompts DIR            folder of prompt template files overriding the shipped ones`;

/** Spec field -> flag, for spec errors in the user's terms. */
export const LLM_FLAG_OF_FIELD: Record<string, string> = {
  'llm.baseUrl': '--llm-base-url', 'llm.model': '--model', 'llm.cachePath': '--llm-cache', 'llm.cacheMode': '--llm-cache-mode',
  'llm.maxUsd': '--max-llm-usd', 'llm.maxRequests': '--max-llm-requests', 'llm.concurrency': '--llm-concurrency',
  'llm.requestsPerMinute': '--llm-rpm', 'llm.tokensPerMinute': '--llm-tpm', 'llm.timeoutMs': '--llm-timeout-ms',
  'llm.responseFormat': '--llm-response-format', 'llm.contextWindow': '--llm-context-window',
  'decisionTime.secondsPerLlmCall': '--llm-seconds-per-call', 'decisionTime.prefetch': '--no-prefetch',
};

/** Where the study's LLM is and how the client reaches it (key and cache folder); nothing here is printed but the public parts. */
export interface LlmSetup {
  readonly access: StudyLlmAccess;
  readonly baseUrl: string;
  readonly model: string;
  readonly cacheMode: string;
  /** Absolute path of the reply cache, if one is used. */
  readonly cachePath?: string;
  /** Name of the variable the key came from, or null when no key is sent. */
  readonly keyFrom: string | null;
}

export interface LlmFlagContext {
  readonly searchers: readonly SearcherName[];
  readonly env: NodeJS.ProcessEnv;
  /** The study folder (--out), where the default reply cache lives. */
  readonly outDir?: string;
  /** compare: baselines are charged --decision-seconds (default 0) when LLM time is modelled. */
  readonly defaultSecondsPerSuggestion?: number;
}

export function usesLlm(searchers: readonly SearcherName[]): boolean {
  return searchers.some(isLlmSearcher);
}

/** The LLM flags present on the command line. */
export function givenLlmFlags(values: FlagValues): string[] {
  return Object.keys(LLM_FLAGS).filter((name) => values[name] !== undefined);
}

/**
 * Adds the LLM parts to a spec input (mutating it) and returns the client set-up, or undefined when no
 * searcher uses an LLM (LLM flags are then an error, so a typo in --searcher cannot spend silently).
 * Precedence: flags, then the --spec file, then the environment, then defaults.
 */
export function applyLlmFlags(input: Record<string, unknown>, values: FlagValues, context: LlmFlagContext): LlmSetup | undefined {
  if (!usesLlm(context.searchers)) {
    const given = givenLlmFlags(values);
    if (given.length > 0) {
      throw new UsageError(`--${given[0]}: only used by the LLM searchers (${LLM_SEARCHERS_TEXT}); ` +
        `this run uses ${context.searchers.join(', ')}`);
    }
    return undefined;
  }
  const fromSpec = objectField(input, 'llm');
  const llm: Record<string, unknown> = { ...fromSpec };

  const baseUrl = stringFlag(values, 'llm-base-url') ?? stringOf(fromSpec.baseUrl) ?? baseUrlFromEnv(context.env) ?? OPENAI_BASE_URL;
  const model = stringFlag(values, 'model') ?? stringOf(fromSpec.model) ?? modelFromEnv(context.env) ?? (isOpenAiUrl(baseUrl) ? OPENAI_DEFAULT_MODEL : undefined);
  if (model === undefined || model.trim() === '') {
    throw new UsageError(`--model: required for the endpoint ${redactUrlCredentials(baseUrl)} (or set ${MODEL_ENV}), e.g. --model llama3.1`);
  }
  llm.baseUrl = baseUrl;
  llm.model = model;
  applyLimitFlags(llm, values);

  const cache = resolveCache(values, fromSpec, context.outDir);
  llm.cacheMode = cache.mode;
  if (cache.path !== undefined) llm.cachePath = cache.path; else delete llm.cachePath;
  input.llm = llm;

  applyRunLlmFlags(input, values, context);

  const apiKey = apiKeyFromEnv(context.env);
  if (isOpenAiUrl(baseUrl) && apiKey === undefined && cache.mode !== 'replay-strict') {
    throw new UsageError(`LLAMBO on ${redactUrlCredentials(baseUrl)} needs ${API_KEY_ENV} in the environment ` +
      '(or --llm-base-url URL --model NAME for a local server, or --llm-cache-mode replay-strict to replay a recorded cache)');
  }
  const baseDir = context.outDir ?? process.cwd();
  return {
    access: { apiKey, baseDir },
    // Printed and written as given, minus credentials (the client gets the real one from the spec).
    baseUrl: redactUrlCredentials(baseUrl), model, cacheMode: cache.mode,
    ...(cache.path !== undefined ? { cachePath: resolve(baseDir, cache.path) } : {}),
    keyFrom: apiKey === undefined ? null : API_KEY_ENV,
  };
}

/**
 * The limit and budget flags into a spec `llm` section (mutating it): flags win over what it holds;
 * without --max-llm-usd and without a budget there, the default dollar budget applies.
 */
export function applyLimitFlags(llm: Record<string, unknown>, values: FlagValues): void {
  const set = (field: string, value: unknown) => { if (value !== undefined) llm[field] = value; };
  set('concurrency', rangedFlag(values, 'llm-concurrency', R.llmConcurrency));
  set('requestsPerMinute', rangedFlag(values, 'llm-rpm', R.requestsPerMinute));
  set('tokensPerMinute', rangedFlag(values, 'llm-tpm', R.tokensPerMinute));
  set('timeoutMs', rangedFlag(values, 'llm-timeout-ms', R.timeoutMs));
  set('responseFormat', choiceFlag(values, 'llm-response-format', RESPONSE_FORMAT_MODES));
  set('contextWindow', rangedFlag(values, 'llm-context-window', R.contextWindow));
  set('maxRequests', rangedFlag(values, 'max-llm-requests', R.maxRequests));
  const maxUsd = rangedFlag(values, 'max-llm-usd', R.maxUsd);
  if (maxUsd === 0) delete llm.maxUsd;
  else if (maxUsd !== undefined) llm.maxUsd = maxUsd;
  else if (llm.maxUsd === undefined) llm.maxUsd = DEFAULT_MAX_USD;
}

/** The flags of an LLM run that are not about its endpoint: how LLM time counts, and LLAMBO's options. */
export function applyRunLlmFlags(input: Record<string, unknown>, values: FlagValues, context: Pick<LlmFlagContext, 'defaultSecondsPerSuggestion'>): void {
  applyLatencyFlags(input, values, context.defaultSecondsPerSuggestion);
  applyLlamboOptions(input, values, rangedFlag(values, 'llm-concurrency', R.llmConcurrency) ?? concurrencyOf(objectField(input, 'llm')));
}

function concurrencyOf(llm: Record<string, unknown>): number {
  return typeof llm.concurrency === 'number' ? llm.concurrency : 4;
}

function resolveCache(values: FlagValues, fromSpec: Record<string, unknown>, outDir: string | undefined): { mode: string; path?: string } {
  const flagPath = stringFlag(values, 'llm-cache');
  const path = flagPath !== undefined ? resolve(flagPath) : stringOf(fromSpec.cachePath);
  const mode = choiceFlag(values, 'llm-cache-mode', REPLY_CACHE_MODES) ?? stringOf(fromSpec.cacheMode) ?? (path !== undefined ? 'replay-or-live' : 'live');
  if (mode === 'live') return { mode };
  if (path !== undefined) return { mode, path };
  // Relative to the study folder (RunStudyOptions.llm.baseDir), so the folder stays movable.
  if (outDir !== undefined) return { mode, path: OUT_CACHE_FILE };
  throw new UsageError(`--llm-cache-mode ${mode}: needs --llm-cache PATH (or --out DIR, which keeps the cache in DIR/${OUT_CACHE_FILE})`);
}

function applyLatencyFlags(input: Record<string, unknown>, values: FlagValues, defaultSecondsPerSuggestion: number | undefined): void {
  const mode = choiceFlag(values, 'llm-latency-mode', DECISION_TIME_MODES);
  const seconds = rangedFlag(values, 'llm-seconds-per-call', R.secondsPerLlmCall);
  const decision: Record<string, unknown> = { ...objectField(input, 'decisionTime') };
  if (mode !== undefined) {
    if (values['decision-time'] !== undefined && decision.mode !== mode) {
      throw new UsageError(`--llm-latency-mode ${mode} contradicts --decision-time ${String(decision.mode)}; give one of them`);
    }
    decision.mode = mode;
  }
  if (seconds !== undefined) {
    decision.secondsPerLlmCall = seconds;
  }
  if (values['no-prefetch'] === true) decision.prefetch = false;
  const effective = decision.mode ?? 'ignore';
  if (effective === 'modelled' && decision.secondsPerLlmCall === undefined) {
    throw new UsageError('--llm-latency-mode modelled: needs --llm-seconds-per-call X (simulated seconds charged per LLM request, e.g. 0.8)');
  }
  if (effective !== 'modelled' && seconds !== undefined) {
    throw new UsageError(`--llm-seconds-per-call: only used with --llm-latency-mode modelled (the mode is ${String(effective)})`);
  }
  if (effective === 'modelled' && decision.secondsPerSuggestion === undefined && defaultSecondsPerSuggestion !== undefined) {
    decision.secondsPerSuggestion = defaultSecondsPerSuggestion;
  }
  if (Object.keys(decision).length > 0) input.decisionTime = decision;
}

function applyLlamboOptions(input: Record<string, unknown>, values: FlagValues, concurrency: number): void {
  const options: Record<string, unknown> = { ...objectField(input, 'searcherOptions') };
  const context = choiceFlag(values, 'context', CONTEXT_LEVELS);
  if (context !== undefined) options.contextLevel = context;
  const nInit = rangedFlag(values, 'n-init', R.nInit);
  if (nInit !== undefined) options.nInit = nInit;
  const prompts = stringFlag(values, 'prompts');
  if (prompts !== undefined) {
    const dir = resolve(prompts);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--prompts: ${dir} is not a folder`);
    options.promptOverridesDir = dir;
  }
  // Charge a stage's LLM time as the client runs it: `concurrency` requests at a time.
  if (options.timingConcurrency === undefined) options.timingConcurrency = concurrency;
  input.searcherOptions = options;
}

function objectField(input: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = input[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
