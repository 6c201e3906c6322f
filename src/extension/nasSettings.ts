/**
 * The extension's settings (`llamboNas.*`, declared in package.json contributes.configuration), read
 * into one typed object. Reading goes through a `get` function so the domain code and tests never
 * touch `vscode.workspace.getConfiguration`. The API key is deliberately not a setting.
 */
import { LlmProfileError, parseLlmProfiles, type LlmProfile } from '../core/llm/llmProfile';
import { RESPONSE_FORMAT_MODES, type ModelPrice, type ReplyCacheMode, type ResponseFormatMode } from '../core/llm/llmTypes';

export const SETTINGS_SECTION = 'llamboNas';

export type LatencyMode = 'ignore' | 'measured' | 'modelled';

export interface LlmSettings {
  /** Empty when no endpoint is configured. */
  readonly baseUrl: string;
  readonly model: string;
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  readonly concurrency: number;
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Dollar budget per study; 0 = none. */
  readonly maxUsd: number;
  readonly cacheMode: ReplyCacheMode;
  /** How structured output is asked for (auto: JSON schema, stepping down when the endpoint refuses). */
  readonly responseFormat: ResponseFormatMode;
  /** The model's context window in tokens; 0 = the default for the endpoint (8,192 for local servers). */
  readonly contextWindow: number;
  readonly latencyMode: LatencyMode;
  /** Simulated seconds per LLM call in the 'modelled' latency mode (`llm.modelledSecondsPerCall`). */
  readonly modelledSecondsPerCall: number;
}

export interface NasSettings {
  readonly llm: LlmSettings;
  readonly scheduler: { readonly eta: number; readonly rMin: number; readonly rMax: number };
  readonly workers: number;
  readonly budgetHours: number;
  readonly seeds: number;
  /** Folder of prompt templates that override the built-in ones; empty = built-in. */
  readonly promptsFolder: string;
  /** Table file to run on; empty = the imported exact table if any, else the bundled one. */
  readonly tablePath: string;
  /** `llm.profiles`: named endpoints to compare (keys in SecretStorage); empty when the setting is invalid. */
  readonly llmProfiles: readonly LlmProfile[];
  /** What is wrong with `llm.profiles`, field by field, when it does not validate. */
  readonly llmProfilesProblem?: string;
  /** LLAMBO prepares the next bracket's batch while the current one trains (`study.prefetch`; measured/modelled only). */
  readonly prefetch: boolean;
}

/** Reads one key below `llamboNas.`; undefined when unset (package.json supplies the defaults). */
export type SettingReader = (key: string) => unknown;

/** A hosted model's typical reply time for LLAMBO's JSON prompts (a few hundred output tokens). */
export const DEFAULT_MODELLED_SECONDS_PER_CALL = 10;

export const CACHE_MODES: readonly ReplyCacheMode[] = ['live', 'record', 'replay-strict', 'replay-or-live'];
export const LATENCY_MODES: readonly LatencyMode[] = ['ignore', 'measured', 'modelled'];

export function readNasSettings(get: SettingReader): NasSettings {
  return {
    llm: {
      baseUrl: text(get('llm.baseUrl'), ''),
      model: text(get('llm.model'), 'gpt-4o-mini'),
      extraHeaders: stringRecord(get('llm.extraHeaders')),
      prices: priceRecord(get('llm.prices')),
      concurrency: positiveInt(get('llm.concurrency'), 4),
      requestsPerMinute: positiveInt(get('llm.requestsPerMinute'), 60),
      tokensPerMinute: positiveInt(get('llm.tokensPerMinute'), 200_000),
      maxUsd: nonNegative(get('llm.maxUsd'), 1),
      cacheMode: oneOf(get('llm.cacheMode'), CACHE_MODES, 'replay-or-live'),
      responseFormat: oneOf(get('llm.responseFormat'), RESPONSE_FORMAT_MODES, 'auto'),
      contextWindow: nonNegativeInt(get('llm.contextWindow'), 0),
      latencyMode: oneOf(get('llm.latencyMode'), LATENCY_MODES, 'ignore'),
      modelledSecondsPerCall: nonNegative(get('llm.modelledSecondsPerCall'), DEFAULT_MODELLED_SECONDS_PER_CALL),
    },
    scheduler: {
      eta: Math.max(2, positiveInt(get('scheduler.eta'), 3)),
      rMin: positiveInt(get('scheduler.rMin'), 1),
      rMax: positiveInt(get('scheduler.rMax'), 200),
    },
    workers: positiveInt(get('workers'), 4),
    budgetHours: positive(get('budgetHours'), 5),
    seeds: positiveInt(get('seeds'), 1),
    promptsFolder: text(get('promptsFolder'), ''),
    tablePath: text(get('tablePath'), ''),
    ...profilesSetting(get('llm.profiles')),
    prefetch: get('study.prefetch') !== false,
  };
}

function profilesSetting(value: unknown): Pick<NasSettings, 'llmProfiles' | 'llmProfilesProblem'> {
  if (value === undefined) return { llmProfiles: [] };
  try {
    return { llmProfiles: parseLlmProfiles(value, `${SETTINGS_SECTION}.llm.profiles`) };
  } catch (error) {
    if (error instanceof LlmProfileError) return { llmProfiles: [], llmProfilesProblem: error.message };
    throw error;
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value.trim() : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function nonNegativeInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

function positiveInt(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) > 0 ? (value as number) : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function priceRecord(value: unknown): Record<string, ModelPrice> {
  if (typeof value !== 'object' || value === null) return {};
  const prices: Record<string, ModelPrice> = {};
  for (const [model, raw] of Object.entries(value)) {
    const p = raw as Partial<ModelPrice> | null;
    if (p && typeof p.inputPerMTok === 'number' && typeof p.outputPerMTok === 'number') {
      prices[model] = { inputPerMTok: p.inputPerMTok, outputPerMTok: p.outputPerMTok, ...(typeof p.cachedInputPerMTok === 'number' ? { cachedInputPerMTok: p.cachedInputPerMTok } : {}) };
    }
  }
  return prices;
}
